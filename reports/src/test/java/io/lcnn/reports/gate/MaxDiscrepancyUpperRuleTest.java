package io.lcnn.reports.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.geometry.SplitStatistics;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.ReportInputException;
import io.lcnn.reports.SyntheticAudits;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-discrepancy curvature:upper=V} gates the upper end of the discrepancy's bootstrap
 * interval: it passes just above that end, fails just below it (while the point value, which lies
 * below the end, would pass), and is bad input on an audit without intervals.
 */
class MaxDiscrepancyUpperRuleTest {
  @TempDir Path tmp;

  @Test
  void upperRuleGatesTheIntervalsUpperEnd() {
    AuditResult a = SyntheticAudits.build(tmp, SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
    ReportInputException e = assertThrows(ReportInputException.class,
        () -> MaxDiscrepancyRule.parse("curvature:upper", 0.5).evaluate(a));
    assertTrue(e.getMessage().contains("uncertainty"), e.getMessage());
    Discrepancy d = SplitStatistics.discrepancy(a.splits().get("test").summary(), a.splits().get("train").summary(),
        a.splits().get("test").samples(), a.splits().get("train").samples(), 5);
    AuditResult b = new AuditResult(a.schemaVersion(), a.tool(), a.createdAt(), a.model(), a.settings(), a.splits(), d,
        a.selfCheck(), a.attacks(), a.gradientStability(), a.maskingChecks(), a.artifacts(), a.gate(), null, null, null);
    double high = d.uncertainty().curvature().discrepancy().high();
    assertTrue(high > d.curvature(), "upper end " + high + " above the point value " + d.curvature());
    GateOutcome pass = PolicyParser.discrepancy("curvature:upper=" + high * 1.001).evaluate(b);
    assertTrue(pass.passed());
    assertEquals(high, pass.actual(), 0);
    GateOutcome fail = PolicyParser.discrepancy("curvature:upper=" + high * 0.999).evaluate(b);
    assertFalse(fail.passed());
    assertTrue(PolicyParser.discrepancy("curvature=" + high * 0.999).evaluate(b).passed());
    assertEquals("max-discrepancy curvature:upper=0.25", MaxDiscrepancyRule.parse("curvature:upper", 0.25).name());
  }
}
