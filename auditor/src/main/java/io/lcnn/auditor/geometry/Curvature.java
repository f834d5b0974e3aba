package io.lcnn.auditor.geometry;

/** Normalized curvature C_f = ‖∇²f‖₂ / (‖∇f‖₂ + ε) (paper eq. 2; the authors use ε = 1e-6). */
public final class Curvature {
  /** The default ε. */
  public static final double DEFAULT_EPSILON = 1e-6;

  private Curvature() {}

  /** C_f from a Hessian spectral norm, a gradient norm and ε. */
  public static double of(double hessianSpectralNorm, double gradNorm, double epsilon) {
    return hessianSpectralNorm / (gradNorm + epsilon);
  }
}
