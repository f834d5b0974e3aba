package io.lcnn.auditor.bound;

/**
 * Bounds of the loss layer ℓ(z) = logsumexp(z) − z_y over K classes (cross-entropy of softmax;
 * also −log p_y of a graph ending in Softmax), with p = softmax(z) and q = 1 − p_y:
 * ∇ℓ = p − e_y, so ‖∇ℓ‖₂ ≤ √2 and, by Cauchy–Schwarz, ‖∇ℓ‖₂ ≥ q·√(K/(K−1));
 * ∇²ℓ = diag(p) − ppᵀ is positive semi-definite with ‖∇²ℓ‖₂ ≤ 1/2 and
 * ‖∇²ℓ‖₂ ≤ trace = 1 − Σp_k² ≤ 2q. Hence C_ℓ = ‖∇²ℓ‖₂/‖∇ℓ‖₂ ≤ 2√((K−1)/K) everywhere
 * (tight for K = 2 as p_y → 1).
 */
public final class CrossEntropyLayer {
  /** sup‖∇ℓ‖₂ = √2. */
  public static final double SLOPE = Math.sqrt(2);

  /** sup‖∇²ℓ‖₂ = 1/2. */
  public static final double SECOND_DERIVATIVE = 0.5;

  private CrossEntropyLayer() {}

  /** sup C_ℓ = 2√((K−1)/K) for K ≥ 2 classes. */
  public static double curvature(int classes) {
    return 2 * Math.sqrt((classes - 1.0) / classes);
  }
}
