(function () {
  'use strict';
  var errors = [];
  function note(message) {
    errors.push(String(message));
    document.documentElement.setAttribute('data-errors', errors.join(' | '));
  }
  window.addEventListener('error', function (e) {
    note('error: ' + (e.message || (e.target && e.target.tagName) || 'unknown'));
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    note('blocked by CSP: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  function sortKey(cell) {
    var v = cell.getAttribute('data-v');
    if (v === null) {
      return cell.textContent.trim().toLowerCase();
    }
    var n = parseFloat(v);
    return isNaN(n) ? Infinity : n;
  }
  function sortBy(th) {
    var table = th.closest('table');
    var body = table.tBodies[0];
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var col = headers.indexOf(th);
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[col]);
      var y = sortKey(b.cells[col]);
      var c = (typeof x === 'number' && typeof y === 'number') ? (x === y ? 0 : (x < y ? -1 : 1)) : String(x).localeCompare(String(y));
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var headers = document.querySelectorAll('table.sortable thead th');
    Array.prototype.forEach.call(headers, function (th) {
      th.setAttribute('tabindex', '0');
      th.setAttribute('role', 'button');
      th.addEventListener('click', function () { sortBy(th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(th); }
      });
    });
    document.documentElement.setAttribute('data-ready', 'true');
  });
})();
