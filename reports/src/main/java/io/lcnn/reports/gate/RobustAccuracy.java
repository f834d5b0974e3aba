package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AttackResults;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Looks up robust accuracy at a radius in an audit's attack block. Keys in audit.json are ε as
 * written ("0.1"); they are matched numerically (relative tolerance 1e-9).
 */
public final class RobustAccuracy {
  private RobustAccuracy() {}

  /**
   * Worst case over attacks at ε: the audit's {@code worstCaseAccuracy} when it has ε, otherwise
   * the smallest per-attack accuracy at ε; empty when no attack ran at ε.
   */
  public static OptionalDouble worstCase(AttackResults a, double eps) {
    double worst = Double.POSITIVE_INFINITY;
    boolean found = false;
    if (a.worstCaseAccuracy() != null) {
      OptionalDouble w = at(a.worstCaseAccuracy(), eps);
      if (w.isPresent()) {
        worst = w.getAsDouble();
        found = true;
      }
    }
    for (Map<String, Double> perEps : a.accuracy().values()) {
      OptionalDouble v = at(perEps, eps);
      if (v.isPresent()) {
        worst = Math.min(worst, v.getAsDouble());
        found = true;
      }
    }
    return found ? OptionalDouble.of(worst) : OptionalDouble.empty();
  }

  /** The value whose key equals ε numerically, if any. */
  public static OptionalDouble at(Map<String, Double> byEps, double eps) {
    for (Map.Entry<String, Double> e : byEps.entrySet()) {
      double k = Double.parseDouble(e.getKey());
      if (sameEps(k, eps) && e.getValue() != null) {
        return OptionalDouble.of(e.getValue());
      }
    }
    return OptionalDouble.empty();
  }

  /** Whether two radii are the same ε (relative tolerance 1e-9). */
  public static boolean sameEps(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }
}
