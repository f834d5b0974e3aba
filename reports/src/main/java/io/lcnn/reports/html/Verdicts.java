package io.lcnn.reports.html;

import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.Numbers;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.html.ReportView.ModelVerdict;
import io.lcnn.reports.html.ReportView.RuleLine;
import io.lcnn.reports.html.ReportView.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the verdict banner: gate results when a policy was given or stored in audit.json. */
final class Verdicts {
  private Verdicts() {}

  /**
   * @param gates gate reports by audit display name (from {@code --policy}); may be empty
   */
  static Verdict build(List<LoadedAudit> audits, Map<String, GateReport> gates) {
    List<ModelVerdict> verdicts = new ArrayList<>();
    for (LoadedAudit a : audits) {
      GateReport g = gates.get(a.name());
      String source = "policy given to lcnn report";
      List<GateOutcome> outcomes = g == null ? null : g.outcomes();
      if (outcomes == null && a.result().gate() != null) {
        outcomes = a.result().gate();
        source = "gate stored in audit.json";
      }
      if (outcomes == null) {
        continue;
      }
      List<RuleLine> lines = new ArrayList<>();
      boolean ok = true;
      for (GateOutcome o : outcomes) {
        lines.add(new RuleLine(o.passed(), o.rule(), o.message()));
        ok &= o.passed();
      }
      verdicts.add(new ModelVerdict(a.name(), ok, lines, source));
    }
    List<String> highlights = highlights(audits);
    if (verdicts.isEmpty()) {
      return new Verdict("none", "Not gated: no policy was given (lcnn report --policy policy.json).", verdicts,
          highlights);
    }
    long failed = verdicts.stream().filter(v -> !v.passed()).count();
    int rules = verdicts.stream().mapToInt(v -> v.rules().size()).sum();
    String headline = failed == 0
        ? "PASS: every gate rule holds (" + rules + " rules over " + verdicts.size() + " model(s))."
        : "FAIL: " + failed + " of " + verdicts.size() + " model(s) break at least one gate rule.";
    return new Verdict(failed == 0 ? "pass" : "fail", headline, verdicts, highlights);
  }

  /** {@code v} with {@code notes} appended to its highlights. */
  static Verdict withNotes(Verdict v, List<String> notes) {
    if (notes.isEmpty()) {
      return v;
    }
    List<String> highlights = new ArrayList<>(v.highlights());
    highlights.addAll(notes);
    return new Verdict(v.state(), v.headline(), v.verdicts(), highlights);
  }

  /** One line per model after the first: its mean curvature and accuracy relative to the first. */
  private static List<String> highlights(List<LoadedAudit> audits) {
    List<String> out = new ArrayList<>();
    SplitSummary ref = audits.get(0).result().splits().get("test").summary();
    for (LoadedAudit a : audits.subList(1, audits.size())) {
      SplitSummary s = a.result().splits().get("test").summary();
      double ratio = ref.curvature().mean() / s.curvature().mean();
      String rel = ratio >= 1
          ? Numbers.sig4(ratio) + "× lower mean curvature"
          : Numbers.sig4(1 / ratio) + "× higher mean curvature";
      out.add(a.name() + ": " + rel + " than " + audits.get(0).name() + " (" + Numbers.sig4(s.curvature().mean())
          + " vs " + Numbers.sig4(ref.curvature().mean()) + "), accuracy " + Numbers.percent(s.accuracy()) + " vs "
          + Numbers.percent(ref.accuracy()) + ".");
    }
    return out;
  }
}
