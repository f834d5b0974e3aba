package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.reports.ReportInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Builds the ratchet rules against a baseline audit: test accuracy, mean gradient norm, mean
 * Hessian norm, mean and p90 curvature, and (when the baseline ran attacks) worst-case robust
 * accuracy at each of the baseline's radii.
 */
public final class Regressions {
  private Regressions() {}

  /**
   * One {@link RegressionRule} per metric the baseline has.
   *
   * @param baseline the older audit
   * @param margin allowed relative worsening (0.1 = 10%)
   */
  public static List<GateRule> rules(AuditResult baseline, double margin) {
    List<GateRule> rules = new ArrayList<>();
    rules.add(rule("accuracy", true, baseline, margin, a -> a.splits().get("test").summary().accuracy()));
    for (Quantity q : Quantity.values()) {
      rules.add(rule(q.key() + ".mean", false, baseline, margin, a -> q.stats(a.splits().get("test").summary()).mean()));
    }
    rules.add(rule("curvature.p90", false, baseline, margin, a -> a.splits().get("test").summary().curvature().p90()));
    if (baseline.attacks() != null) {
      for (double eps : baseline.attacks().eps()) {
        if (RobustAccuracy.worstCase(baseline.attacks(), eps).isPresent()) {
          rules.add(rule("robust-accuracy@" + Fmt.num(eps), true, baseline, margin, a -> robust(a, eps)));
        }
      }
    }
    return rules;
  }

  private static RegressionRule rule(
      String metric, boolean higherIsBetter, AuditResult baseline, double margin,
      java.util.function.ToDoubleFunction<AuditResult> f) {
    return new RegressionRule(metric, higherIsBetter, f.applyAsDouble(baseline), margin, f);
  }

  private static double robust(AuditResult a, double eps) {
    if (a.attacks() == null) {
      throw new ReportInputException(
          "max-regression: the baseline ran attacks but this audit has no 'attacks' block");
    }
    OptionalDouble v = RobustAccuracy.worstCase(a.attacks(), eps);
    if (v.isEmpty()) {
      throw new ReportInputException(
          "max-regression: the baseline attacked at eps " + Fmt.num(eps) + " but this audit did not");
    }
    return v.getAsDouble();
  }
}
