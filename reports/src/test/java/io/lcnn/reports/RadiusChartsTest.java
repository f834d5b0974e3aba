package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smallest-radius curve and Proposition 2's scatter on the report page. */
class RadiusChartsTest {
  @TempDir Path tmp;

  @Test
  void theScatterAndTheRankCorrelationAppearWhenTheAuditHasBothRadii() {
    AuditResult base = SyntheticAudits.build(tmp, SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    AttackResults a = base.attacks();
    SmallestRadii radii = new SmallestRadii("fmn", 100, Arrays.asList(0.0, 0.1, 0.3, null),
        List.of(new SmallestRadii.CurvePoint(0, 0.75), new SmallestRadii.CurvePoint(0.3, 0.25)), 0.3,
        Arrays.asList(null, 0.05, 0.2, 0.4), 0.8125, 2);
    AttackResults withRadii = new AttackResults(a.eps(), a.steps(), a.stepSizeFactor(), a.restarts(), a.seed(), a.inputRange(),
        a.samples(), a.cleanAccuracy(), a.accuracy(), a.worstCaseAccuracy(), a.smallestBreakingEps(), a.adversarialDir(), radii);
    String page = HtmlReport.render(List.of(new LoadedAudit(tmp.resolve("audit.json"), "m", with(base, withRadii))), Map.of(), "t");
    assertTrue(page.contains("id=\"chart-radius-scatter\""));
    assertTrue(page.contains("m: Spearman ρ = 0.813 over 2 samples"), "the caption gives ρ and its sample count");
    assertTrue(page.contains("from smallest radii (fmn)"), "the curve joins the robustness chart");
    assertTrue(page.contains("not a certificate"));
  }

  @Test
  void noScatterWithoutProposition2Radii() {
    AuditResult base = SyntheticAudits.build(tmp, SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    String page = HtmlReport.render(List.of(new LoadedAudit(tmp.resolve("audit.json"), "m", base)), Map.of(), "t");
    assertFalse(page.contains("id=\"chart-radius-scatter\""));
  }

  private static AuditResult with(AuditResult r, AttackResults a) {
    return new AuditResult(r.schemaVersion(), r.tool(), r.createdAt(), r.model(), r.settings(), r.splits(),
        r.trainTestDiscrepancy(), r.selfCheck(), a, r.gradientStability(), r.maskingChecks(), r.artifacts(), r.gate(), null, null, null);
  }
}
