package io.lcnn.auditor.audit;

import java.util.Locale;

/**
 * How the audit differentiates the model: {@link #EXACT} graphs (fail if the model has ops
 * without rules), {@link #FINITE_DIFFERENCE} (forward passes only), or {@link #AUTO} (exact,
 * falling back to finite differences with a recorded reason).
 */
public enum GradientMode {
  AUTO,
  EXACT,
  FINITE_DIFFERENCE;

  /** Parses {@code auto|exact|finite-difference}. */
  public static GradientMode parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "exact" -> EXACT;
      case "finite-difference", "fd" -> FINITE_DIFFERENCE;
      default -> throw new IllegalArgumentException("--gradients must be auto, exact or finite-difference, not '" + s + "'");
    };
  }
}
