package io.lcnn.reports.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.result.Stats;
import io.lcnn.reports.ReportInputException;
import io.lcnn.reports.SyntheticAudits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** policy.json and flag parsing, and the baseline ratchet. */
class PolicyAndRatchetTest {
  @TempDir Path tmp;

  @Test
  void policyFileWithEveryRuleKindParsesToThoseRules() throws Exception {
    SyntheticAudits.write(tmp.resolve("old"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    Path policy = tmp.resolve("policy.json");
    Files.writeString(policy, """
        {"max-curvature": {"p90": 50, "mean": 40}, "max-grad-norm": {"mean": 3}, "max-hessian-norm": {"max": 900},
         "min-accuracy": 0.85, "min-robust-accuracy": {"0.1": 0.4}, "max-discrepancy": {"curvature": 0.1},
         "require-exact": true, "require-masking-checks": true, "max-self-check-error": 0.01,
         "baseline": "old/audit.json", "max-regression": "10%"}
        """);
    Policy p = PolicyParser.read(policy);
    assertEquals(List.of("max-curvature p90=50", "max-curvature mean=40", "max-grad-norm mean=3",
        "max-hessian-norm max=900", "min-accuracy 0.85", "min-robust-accuracy 0.1=0.4", "max-discrepancy curvature=0.1",
        "require-exact", "require-masking-checks", "max-self-check-error 0.01"),
        p.rules().stream().map(GateRule::name).toList());
    assertEquals(tmp.resolve("old/audit.json").toAbsolutePath(), p.baseline());
    assertEquals(0.1, p.maxRegression(), 0);
  }

  @Test
  void badPoliciesNameTheFileAndField() throws Exception {
    assertPolicyError("{\"max-curvatur\": {\"p90\": 5}}", "field 'max-curvatur': unknown rule");
    assertPolicyError("{\"max-curvature\": {\"p95\": 5}}", "field 'max-curvature.p95': unknown statistic 'p95'");
    assertPolicyError("{\"min-accuracy\": \"high\"}", "field 'min-accuracy': expected a number");
    assertPolicyError("{\"max-regression\": \"10%\"}", "field 'max-regression': needs a 'baseline'");
    assertPolicyError("{\"min-robust-accuracy\": {\"tenth\": 0.5}}", "field 'min-robust-accuracy.tenth': 'tenth' is not a number");
    assertPolicyError("[1, 2]", "a policy must be a JSON object");
    assertPolicyError("{\"max-curvature\": ", "not valid JSON");
  }

  @Test
  void flagsUseTheSameSyntax() {
    assertEquals(List.of("max-curvature p90=50", "max-curvature max=200"),
        PolicyParser.statLimits(Quantity.CURVATURE, "p90=50,max=200").stream().map(GateRule::name).toList());
    assertEquals("min-robust-accuracy 0.1=0.6", PolicyParser.robustAccuracy("0.1=0.6").name());
    assertEquals("max-discrepancy hessian-norm=0.2", PolicyParser.discrepancy("hessian-norm=0.2").name());
    assertEquals(0.1, PolicyParser.fraction("10%"), 1e-15);
    assertEquals(0.25, PolicyParser.fraction("0.25"), 0);
    ReportInputException e = assertThrows(ReportInputException.class, () -> PolicyParser.statLimits(Quantity.CURVATURE, "p90"));
    assertTrue(e.getMessage().startsWith("--max-curvature p90: expected key=value"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PolicyParser.fraction("150%"));
  }

  @Test
  void ratchetPassesWithinTheMarginAndFailsBeyondIt() {
    Path basePath = SyntheticAudits.write(tmp.resolve("base"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    AuditResult base = AuditJson.read(basePath);
    double baseMean = base.splits().get("test").summary().curvature().mean();

    GateReport same = Gate.evaluate("same", base, new Policy(List.of(), basePath, 0.1));
    assertTrue(same.passed(), String.join("\n", same.lines()));
    assertEquals(5 + 4, same.outcomes().size(), "accuracy, 3 means, p90 curvature, robust accuracy at 4 radii");

    GateReport fivePercent = Gate.evaluate("worse5", scaleCurvature(base, 1.05), new Policy(List.of(), basePath, 0.1));
    assertTrue(fivePercent.passed(), String.join("\n", fivePercent.lines()));

    GateReport twentyPercent = Gate.evaluate("worse20", scaleCurvature(base, 1.2), new Policy(List.of(), basePath, 0.1));
    assertFalse(twentyPercent.passed());
    GateOutcome mean = twentyPercent.outcomes().stream().filter(o -> o.rule().equals("max-regression curvature.mean 10%"))
        .findFirst().orElseThrow();
    assertFalse(mean.passed());
    assertEquals(baseMean * 1.2, mean.actual(), 1e-9 * baseMean);
    assertEquals(baseMean * 1.1, mean.limit(), 1e-9 * baseMean);

    AuditResult standard = SyntheticAudits.build(tmp.resolve("std"), SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
    GateReport regressed = Gate.evaluate("standard", standard, new Policy(List.of(), basePath, 0.1));
    assertTrue(regressed.outcomes().stream().anyMatch(o -> o.rule().startsWith("max-regression robust-accuracy@0.1") && !o.passed()));
  }

  @Test
  void ratchetAgainstABaselineWithAttacksNeedsAttacks() {
    Path basePath = SyntheticAudits.write(tmp.resolve("base"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    AuditResult bare = SyntheticAudits.build(tmp.resolve("bare"), SyntheticAudits.LCNN, SyntheticAudits.Options.minimal());
    ReportInputException e = assertThrows(ReportInputException.class,
        () -> Gate.evaluate("bare", bare, new Policy(List.of(), basePath, 0.1)));
    assertTrue(e.getMessage().contains("no 'attacks' block"), e.getMessage());
    assertThrows(ReportInputException.class,
        () -> Gate.evaluate("bare", bare, new Policy(List.of(), tmp.resolve("nope/audit.json"), 0.1)));
  }

  private void assertPolicyError(String json, String expected) throws Exception {
    Path p = tmp.resolve("p" + Math.abs(json.hashCode()) + ".json");
    Files.writeString(p, json);
    ReportInputException e = assertThrows(ReportInputException.class, () -> PolicyParser.read(p));
    assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  /** The audit with its test curvature summary multiplied by {@code f}. */
  private static AuditResult scaleCurvature(AuditResult a, double f) {
    SplitResult t = a.splits().get("test");
    Stats c = t.summary().curvature();
    SplitSummary s = new SplitSummary(t.summary().count(), t.summary().accuracy(), t.summary().loss(), t.summary().gradNorm(),
        t.summary().hessianSpectralNorm(), new Stats(c.mean() * f, c.median() * f, c.p90() * f, c.max() * f, c.min() * f));
    Map<String, SplitResult> splits = new LinkedHashMap<>(a.splits());
    splits.put("test", new SplitResult(t.samples(), s));
    return new AuditResult(a.schemaVersion(), a.tool(), a.createdAt(), a.model(), a.settings(), splits,
        a.trainTestDiscrepancy(), a.selfCheck(), a.attacks(), a.gradientStability(), a.maskingChecks(), a.artifacts(), null, null, null, null);
  }
}
