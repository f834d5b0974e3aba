package io.lcnn.reports.gate;

/**
 * Range checks of the numbers in gate rules, so that a threshold that can never be met or never
 * fail (an accuracy of 1.5, a curvature limit of −1, 1e400) is refused when the rule is made.
 */
final class Limits {
  private Limits() {}

  /** An accuracy or other share: finite, in [0, 1]. */
  static double share(String what, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(what + " must lie in [0, 1], got " + v);
    }
    return v;
  }

  /** A limit on a norm, curvature, discrepancy or error: finite and ≥ 0. */
  static double nonNegative(String what, double v) {
    if (!(v >= 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(what + " must be a finite number ≥ 0, got " + v);
    }
    return v;
  }

  /** An attack radius: finite and > 0. */
  static double positive(String what, double v) {
    if (!(v > 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(what + " must be a finite number > 0, got " + v);
    }
    return v;
  }
}
