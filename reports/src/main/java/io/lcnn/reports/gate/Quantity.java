package io.lcnn.reports.gate;

import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.Stats;
import io.lcnn.auditor.result.SplitSummary;
import java.util.Locale;

/** The three per-sample geometry quantities a gate can bound (paper Table 1 and Table 3). */
public enum Quantity {
  /** ‖∇ₓf‖₂. */
  GRAD_NORM("grad-norm", "gradient norm"),
  /** ‖∇²ₓf‖₂, the largest |eigenvalue| of the input Hessian. */
  HESSIAN_NORM("hessian-norm", "Hessian norm"),
  /** C_f = ‖∇²f‖₂ / (‖∇f‖₂ + ε). */
  CURVATURE("curvature", "curvature");

  private final String key;
  private final String label;

  Quantity(String key, String label) {
    this.key = key;
    this.label = label;
  }

  /** The word used in flags and policy.json, e.g. {@code hessian-norm}. */
  public String key() {
    return key;
  }

  /** Human-readable name, e.g. {@code Hessian norm}. */
  public String label() {
    return label;
  }

  /** The statistics of this quantity in a split summary. */
  public Stats stats(SplitSummary s) {
    return switch (this) {
      case GRAD_NORM -> s.gradNorm();
      case HESSIAN_NORM -> s.hessianSpectralNorm();
      case CURVATURE -> s.curvature();
    };
  }

  /** This quantity's train–test discrepancy. */
  public double discrepancy(Discrepancy d) {
    return switch (this) {
      case GRAD_NORM -> d.gradNorm();
      case HESSIAN_NORM -> d.hessianSpectralNorm();
      case CURVATURE -> d.curvature();
    };
  }

  /**
   * Parses {@code grad-norm}, {@code hessian-norm} or {@code curvature} (also the audit.json field
   * names {@code gradNorm} and {@code hessianSpectralNorm}).
   *
   * @throws IllegalArgumentException for any other word
   */
  public static Quantity parse(String word) {
    String w = word.trim().toLowerCase(Locale.ROOT);
    return switch (w) {
      case "grad-norm", "gradnorm", "gradient-norm" -> GRAD_NORM;
      case "hessian-norm", "hessianspectralnorm", "hessian" -> HESSIAN_NORM;
      case "curvature" -> CURVATURE;
      default -> throw new IllegalArgumentException(
          "unknown quantity '" + word + "' (use grad-norm, hessian-norm or curvature)");
    };
  }
}
