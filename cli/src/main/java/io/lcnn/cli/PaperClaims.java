package io.lcnn.cli;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.GradientStability.RadiusStability;
import io.lcnn.reports.gate.RobustAccuracy;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's four claims about an LCNN against a standard model, checked on two audits of the
 * same data: (a) mean test curvature at most {@value #MAX_CURVATURE_RATIO}× the standard
 * model's with test accuracy within {@value #MAX_ACCURACY_GAP_POINTS} points; (b) higher robust
 * accuracy (worst case over the attacks the audit ran) at the largest ε; (c) a smaller mean
 * relative gradient change under noise at every radius (Fig. 2); (d) for both models, the
 * train–test discrepancy of curvature below that of the gradient norm (Table 3).
 */
final class PaperClaims {
  /** Claim (a)'s curvature bar, LCNN over standard. */
  static final double MAX_CURVATURE_RATIO = 0.5;
  /** Claim (a)'s accuracy bar, in percentage points. */
  static final double MAX_ACCURACY_GAP_POINTS = 2.0;

  private PaperClaims() {}

  /** One claim: whether it held and the numbers behind the verdict, as one line. */
  record Claim(String id, boolean held, String line) {
    /** e.g. "(a) held: …" */
    String verdictLine() {
      return "(" + id + ") " + (held ? "HOLDS" : "DOES NOT HOLD") + ": " + line;
    }
  }

  /**
   * @param standard the standard model's audit
   * @param lcnn the LCNN's audit
   * @param standardTestAccuracy the standard model's accuracy on the whole test set, in [0, 1]
   * @param lcnnTestAccuracy the LCNN's, same set
   * @param testCount the size of that test set
   */
  static List<Claim> check(AuditResult standard, AuditResult lcnn, double standardTestAccuracy,
      double lcnnTestAccuracy, int testCount) {
    List<Claim> out = new ArrayList<>();
    double cs = standard.splits().get("test").summary().curvature().mean();
    double cl = lcnn.splits().get("test").summary().curvature().mean();
    double gap = 100 * (standardTestAccuracy - lcnnTestAccuracy);
    out.add(new Claim("a", cl / cs <= MAX_CURVATURE_RATIO && gap <= MAX_ACCURACY_GAP_POINTS, String.format(
        "LCNN mean test curvature %.3gx standard's (%.3g vs %.3g; bar %.1fx), test accuracy %.2f%% vs %.2f%%"
            + " (%d images; gap %.2f points, bar %.0f)", cl / cs, cl, cs, MAX_CURVATURE_RATIO,
        100 * lcnnTestAccuracy, 100 * standardTestAccuracy, testCount, gap, MAX_ACCURACY_GAP_POINTS)));
    out.add(robustness(standard.attacks(), lcnn.attacks()));
    out.add(stability(standard, lcnn));
    Discrepancy ds = standard.trainTestDiscrepancy();
    Discrepancy dl = lcnn.trainTestDiscrepancy();
    if (ds == null || dl == null) {
      out.add(new Claim("d", false, "not measured (the audits have no train split)"));
    } else {
      out.add(new Claim("d", dl.curvature() < dl.gradNorm() && ds.curvature() < ds.gradNorm(), String.format(
          "train-test discrepancy of curvature vs gradient norm: LCNN %.3f vs %.3f, standard %.3f vs %.3f",
          dl.curvature(), dl.gradNorm(), ds.curvature(), ds.gradNorm())));
    }
    return out;
  }

  private static Claim robustness(AttackResults s, AttackResults l) {
    if (s == null || l == null) {
      return new Claim("b", false, "not measured (the audits ran no attack)");
    }
    double eps = s.eps().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double rs = RobustAccuracy.worstCase(s, eps).orElse(Double.NaN);
    double rl = RobustAccuracy.worstCase(l, eps).orElse(Double.NaN);
    StringBuilder all = new StringBuilder();
    for (double e : s.eps()) {
      all.append(String.format("%s%.3g: %.1f/%.1f", all.length() == 0 ? "" : ", ", e,
          100 * RobustAccuracy.worstCase(l, e).orElse(Double.NaN), 100 * RobustAccuracy.worstCase(s, e).orElse(Double.NaN)));
    }
    return new Claim("b", rl > rs, String.format(
        "robust accuracy at the largest eps %.3g (l2, worst case of %s, %d steps x %d restarts, %d samples):"
            + " LCNN %.1f%% vs standard %.1f%%; clean %.1f%% vs %.1f%%; every eps, LCNN/standard %%: %s",
        eps, String.join("+", s.accuracy().keySet()), s.steps(), s.restarts(), s.samples(), 100 * rl, 100 * rs,
        100 * l.cleanAccuracy(), 100 * s.cleanAccuracy(), all));
  }

  private static Claim stability(AuditResult standard, AuditResult lcnn) {
    if (standard.gradientStability() == null || lcnn.gradientStability() == null) {
      return new Claim("c", false, "not measured (the audits ran no gradient-stability probe)");
    }
    List<RadiusStability> s = standard.gradientStability().radii();
    List<RadiusStability> l = lcnn.gradientStability().radii();
    boolean held = s.size() == l.size();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < Math.min(s.size(), l.size()); i++) {
      held &= l.get(i).mean() < s.get(i).mean();
      all.append(String.format("%sr=%.3g: %.3g/%.3g", i == 0 ? "" : ", ", s.get(i).radius(), l.get(i).mean(),
          s.get(i).mean()));
    }
    return new Claim("c", held, "mean relative gradient change under random noise, LCNN/standard (lower is more"
        + " stable), smaller for LCNN at every radius: " + all);
  }
}
