package io.lcnn.reports.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.reports.ReportInputException;
import io.lcnn.reports.SyntheticAudits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule kind, passing just inside its limit and failing just outside, with the actual value
 * recomputed here from the audit's per-sample values; and bad input for rules naming absent blocks.
 */
class GateRulesTest {
  @TempDir Path tmp;

  private AuditResult full() {
    return SyntheticAudits.build(tmp.resolve("full"), SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
  }

  private AuditResult minimal() {
    return SyntheticAudits.build(tmp.resolve("min"), SyntheticAudits.STANDARD, SyntheticAudits.Options.minimal());
  }

  @Test
  void statLimitsCompareTheSplitStatisticWithTheLimit() {
    AuditResult a = full();
    double p90 = quantile(a, "test", SampleGeometry::curvature, 0.9);
    double meanGrad = values(a, "test", SampleGeometry::gradNorm).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double maxHess = values(a, "test", SampleGeometry::hessianSpectralNorm).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double trainMedian = quantile(a, "train", SampleGeometry::curvature, 0.5);
    check(new StatLimitRule(Quantity.CURVATURE, Statistic.P90, p90 * 1.001, "test"), a, true, p90);
    check(new StatLimitRule(Quantity.CURVATURE, Statistic.P90, p90 * 0.999, "test"), a, false, p90);
    check(new StatLimitRule(Quantity.GRAD_NORM, Statistic.MEAN, meanGrad * 1.001, "test"), a, true, meanGrad);
    check(new StatLimitRule(Quantity.GRAD_NORM, Statistic.MEAN, meanGrad * 0.999, "test"), a, false, meanGrad);
    check(new StatLimitRule(Quantity.HESSIAN_NORM, Statistic.MAX, maxHess, "test"), a, true, maxHess);
    check(new StatLimitRule(Quantity.HESSIAN_NORM, Statistic.MAX, maxHess * 0.999, "test"), a, false, maxHess);
    check(new StatLimitRule(Quantity.CURVATURE, Statistic.MEDIAN, trainMedian * 0.999, "train"), a, false, trainMedian);
    assertEquals("max-curvature p90=50", new StatLimitRule(Quantity.CURVATURE, Statistic.P90, 50, "test").name());
  }

  @Test
  void minAccuracyCountsCorrectPredictions() {
    AuditResult a = full();
    List<SampleGeometry> s = a.splits().get("test").samples();
    double acc = s.stream().filter(x -> x.label() == x.prediction()).count() / (double) s.size();
    check(new MinAccuracyRule(acc, "test"), a, true, acc);
    check(new MinAccuracyRule(acc + 1e-9, "test"), a, false, acc);
  }

  @Test
  void minRobustAccuracyUsesTheWorstCaseOverAttacks() {
    AuditResult a = full();
    double worst = Math.min(Math.min(a.attacks().accuracy().get("pgd").get("0.1"), a.attacks().accuracy().get("apgd").get("0.1")),
        a.attacks().worstCaseAccuracy().get("0.1"));
    check(new MinRobustAccuracyRule(0.1, worst), a, true, worst);
    check(new MinRobustAccuracyRule(0.1, worst + 1e-6), a, false, worst);
    ReportInputException e = assertThrows(ReportInputException.class, () -> new MinRobustAccuracyRule(0.3, 0.1).evaluate(a));
    assertTrue(e.getMessage().contains("did not attack at eps 0.3"), e.getMessage());
    ReportInputException none = assertThrows(ReportInputException.class, () -> new MinRobustAccuracyRule(0.1, 0.5).evaluate(minimal()));
    assertTrue(none.getMessage().contains("no 'attacks' block"), none.getMessage());
  }

  @Test
  void maxDiscrepancyComparesTrainAndTestMeans() {
    AuditResult a = full();
    double test = mean(a, "test", SampleGeometry::curvature);
    double train = mean(a, "train", SampleGeometry::curvature);
    double d = Math.abs((test - train) / test);
    check(new MaxDiscrepancyRule(Quantity.CURVATURE, d * 1.001), a, true, d);
    check(new MaxDiscrepancyRule(Quantity.CURVATURE, d * 0.999), a, false, d);
    ReportInputException e = assertThrows(ReportInputException.class,
        () -> new MaxDiscrepancyRule(Quantity.CURVATURE, 0.1).evaluate(minimal()));
    assertTrue(e.getMessage().contains("no 'trainTestDiscrepancy' block"), e.getMessage());
  }

  @Test
  void requireExactFailsOnFiniteDifferenceFallback() {
    AuditResult a = full();
    check(new RequireExactRule(), a, true, 0);
    ModelInfo m = a.model();
    ModelInfo fd = new ModelInfo(m.path(), m.sha256(), m.opset(), m.irVersion(), m.producer(), m.inputName(),
        m.inputShape(), m.inputRange(), m.outputName(), m.outputKind(), m.numClasses(), m.executionProvider(), "exact",
        "finite-difference", List.of("no HVP rule for op 'Einsum'"), m.opHistogram(), m.parameterCount(), m.metadata());
    AuditResult b = new AuditResult(a.schemaVersion(), a.tool(), a.createdAt(), fd, a.settings(), a.splits(),
        a.trainTestDiscrepancy(), a.selfCheck(), a.attacks(), a.gradientStability(), a.maskingChecks(), a.artifacts(), null, null, null, null);
    GateOutcome o = check(new RequireExactRule(), b, false, 1);
    assertTrue(o.message().contains("Einsum"), o.message());
  }

  @Test
  void maskingChecksFailWhenAnyCheckFailed() {
    AuditResult a = full();
    check(new MaskingChecksRule(), a, true, 0);
    List<MaskingCheck> checks = new ArrayList<>(a.maskingChecks());
    checks.set(1, new MaskingCheck("large-eps-accuracy", false, 0.4, 0.05, "x"));
    AuditResult b = new AuditResult(a.schemaVersion(), a.tool(), a.createdAt(), a.model(), a.settings(), a.splits(),
        a.trainTestDiscrepancy(), a.selfCheck(), a.attacks(), a.gradientStability(), checks, a.artifacts(), null, null, null, null);
    GateOutcome o = check(new MaskingChecksRule(), b, false, 1);
    assertTrue(o.message().contains("large-eps-accuracy"));
    assertThrows(ReportInputException.class, () -> new MaskingChecksRule().evaluate(minimal()));
  }

  @Test
  void selfCheckErrorIsBounded() {
    AuditResult a = full();
    double v = a.selfCheck().hvpMaxRelativeDifference();
    check(new MaxSelfCheckErrorRule(v), a, true, v);
    check(new MaxSelfCheckErrorRule(v / 2), a, false, v);
  }

  @Test
  void nanActualFailsEveryBound() {
    GateOutcome o = Outcomes.atMost("r", "x", Double.NaN, 1);
    assertFalse(o.passed());
    assertFalse(Outcomes.atLeast("r", "x", Double.NaN, 0).passed());
  }

  private static GateOutcome check(GateRule rule, AuditResult a, boolean passes, double actual) {
    GateOutcome o = rule.evaluate(a);
    assertEquals(passes, o.passed(), rule.name() + ": " + o.message());
    assertEquals(actual, o.actual(), 1e-9 * Math.max(1, Math.abs(actual)), rule.name());
    assertEquals(rule.name(), o.rule());
    return o;
  }

  static List<Double> values(AuditResult a, String split, ToDoubleFunction<SampleGeometry> f) {
    return a.splits().get(split).samples().stream().map(s -> f.applyAsDouble(s)).toList();
  }

  static double mean(AuditResult a, String split, ToDoubleFunction<SampleGeometry> f) {
    return values(a, split, f).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** NumPy's default (linear) quantile, written out independently of Stats. */
  static double quantile(AuditResult a, String split, ToDoubleFunction<SampleGeometry> f, double q) {
    double[] v = values(a, split, f).stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    double h = (v.length - 1) * q;
    int i = (int) h;
    return i + 1 < v.length ? v[i] + (h - i) * (v[i + 1] - v[i]) : v[i];
  }
}
