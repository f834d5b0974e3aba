package io.lcnn.reports.gate;

import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.datasets.AtomicFiles;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Writes a gate's outcomes as a JUnit XML test suite (Surefire's test-report layout): one test
 * case per rule, failed rules carrying a {@code <failure>} with the rule's message, so CI
 * dashboards list each rule.
 */
public final class JUnitXml {
  private JUnitXml() {}

  /** The XML text for {@code report}; the suite is named {@code lcnn-gate <audit>}. */
  public static String toXml(GateReport report) {
    try {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
      Element suite = doc.createElement("testsuite");
      suite.setAttribute("name", clean("lcnn-gate " + report.audit()));
      suite.setAttribute("tests", Integer.toString(report.outcomes().size()));
      suite.setAttribute("failures", Integer.toString(report.failures()));
      suite.setAttribute("errors", "0");
      suite.setAttribute("skipped", "0");
      suite.setAttribute("time", "0");
      doc.appendChild(suite);
      for (GateOutcome o : report.outcomes()) {
        Element tc = doc.createElement("testcase");
        tc.setAttribute("name", clean(o.rule()));
        tc.setAttribute("classname", "lcnn.gate");
        tc.setAttribute("time", "0");
        if (!o.passed()) {
          Element f = doc.createElement("failure");
          f.setAttribute("message", clean(o.message()));
          f.setAttribute("type", "GateRuleFailed");
          f.setTextContent(clean(o.rule() + ": " + o.message()
              + String.format(Locale.ROOT, " (actual %s, limit %s)", o.actual(), o.limit())));
          tc.appendChild(f);
        } else {
          Element out = doc.createElement("system-out");
          out.setTextContent(clean(o.message()));
          tc.appendChild(out);
        }
        suite.appendChild(tc);
      }
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(w));
      return w.toString();
    } catch (ParserConfigurationException | TransformerException e) {
      throw new IllegalStateException("cannot build JUnit XML: " + e.getMessage(), e);
    }
  }

  /** Writes {@link #toXml} to {@code file} atomically. */
  public static void write(Path file, GateReport report) {
    AtomicFiles.writeString(file, toXml(report));
  }

  /** Drops characters XML 1.0 cannot hold (control characters other than tab, newline, return). */
  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
          || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
      sb.appendCodePoint(ok ? c : '?');
    });
    return sb.toString();
  }
}
