package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.StatLimitRule;
import io.lcnn.reports.gate.Quantity;
import io.lcnn.reports.gate.Statistic;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the page says, checked against the audits' own per-sample values. */
class HtmlReportContentTest {
  @TempDir Path tmp;

  @Test
  void curvatureRatioInTableOneIsTheRatioOfPerSampleMeans() {
    List<LoadedAudit> audits = ReportFixtures.pair(tmp);
    String page = HtmlReport.render(audits, Map.of(), "t");
    double std = mean(audits.get(0));
    double lcnn = mean(audits.get(1));
    Matcher m = Pattern.compile("<td data-v=\"([^\"]+)\">[^<]*×</td></tr>").matcher(page);
    assertTrue(m.find());
    assertEquals(1.0, Double.parseDouble(m.group(1)), 1e-12, "first model relative to itself");
    assertTrue(m.find());
    assertEquals(lcnn / std, Double.parseDouble(m.group(1)), 1e-12);
    assertTrue(lcnn / std < 0.5, "the synthetic lcnn profile has lower curvature");
    assertTrue(page.contains("lcnn: " + Numbers.sig4(std / lcnn) + "× lower mean curvature than standard"));
  }

  @Test
  void auditWithoutOptionalBlocksRendersNotRunNotes() {
    Path file = SyntheticAudits.write(tmp.resolve("bare"), SyntheticAudits.LCNN, SyntheticAudits.Options.minimal());
    String page = HtmlReport.render(List.of(LoadedAudit.load(file)), Map.of(), "t");
    for (String note : List.of("No audit ran attacks", "No audit had a train split", "No audit measured gradient stability",
        "No masking checks in this audit", "this audit saved no gallery arrays")) {
      assertTrue(page.contains(note), "missing note: " + note);
    }
    assertFalse(page.contains("id=\"chart-stability\""));
    assertFalse(page.contains("id=\"chart-robustness\""));
    assertTrue(page.contains("id=\"chart-curvature-test\""));
    assertFalse(page.contains("id=\"chart-curvature-train\""));
  }

  @Test
  void galleryArraysMissingFromTheFolderGiveANoteNotAnError() throws Exception {
    Path file = SyntheticAudits.write(tmp.resolve("moved"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    Files.delete(file.resolveSibling("gallery_adversarial.npy"));
    String page = HtmlReport.render(List.of(LoadedAudit.load(file)), Map.of(), "t");
    assertTrue(page.contains("gallery_adversarial.npy named in audit.json is not in"));
  }

  @Test
  void verdictBannerListsEveryRuleAndFailsWhenOneFails() {
    List<LoadedAudit> audits = ReportFixtures.pair(tmp);
    Policy policy = Policy.of(List.of(new StatLimitRule(Quantity.CURVATURE, Statistic.MEAN, 100, "test")));
    Map<String, GateReport> gates = Map.of(
        "standard", Gate.evaluate("standard", audits.get(0).result(), policy),
        "lcnn", Gate.evaluate("lcnn", audits.get(1).result(), policy));
    String page = HtmlReport.render(audits, gates, "t");
    assertTrue(page.contains("class=\"verdict fail\""));
    assertTrue(page.contains("FAIL: 1 of 2 model(s) break at least one gate rule."));
    assertEquals(2, HtmlReportBrowserTest.count(page, "max-curvature mean=100: mean curvature on test"));
  }

  @Test
  void gateOutcomesStoredInTheAuditShowInTheBannerWithoutAPolicy() {
    LoadedAudit a = ReportFixtures.pair(tmp).get(1);
    io.lcnn.auditor.result.AuditResult r = a.result();
    io.lcnn.auditor.result.AuditResult gated = new io.lcnn.auditor.result.AuditResult(r.schemaVersion(), r.tool(),
        r.createdAt(), r.model(), r.settings(), r.splits(), r.trainTestDiscrepancy(), r.selfCheck(), r.attacks(),
        r.gradientStability(), r.maskingChecks(), r.artifacts(),
        List.of(new io.lcnn.auditor.result.GateOutcome("min-accuracy 0.95", false, 0.883, 0.95, "accuracy on test = 0.883 < 0.95")), null, null, null);
    String page = HtmlReport.render(List.of(new LoadedAudit(a.file(), "lcnn", gated)), Map.of(), "t");
    assertTrue(page.contains("class=\"verdict fail\""));
    assertTrue(page.contains("gate stored in audit.json"));
    assertTrue(page.contains("min-accuracy 0.95: accuracy on test = 0.883 &lt; 0.95"));
  }

  private static double mean(LoadedAudit a) {
    return a.result().splits().get("test").samples().stream().mapToDouble(SampleGeometry::curvature).average().orElseThrow();
  }
}
