package io.lcnn.auditor.geometry;

/**
 * Lanczos iteration with full reorthogonalization for the eigenvalue of largest magnitude of
 * each sample's (symmetric, indefinite) input Hessian. After step j the tridiagonal matrix T_j
 * (diagonal α, off-diagonal β) is diagonalized (commons-math); the Ritz value θ of largest |θ|
 * is the estimate and β_j·|s_j| (s the Ritz vector in the Krylov basis) its residual
 * ‖Hu − θu‖. A sample stops when that residual is at most {@code tolerance}·|θ|, when the Krylov
 * space is exhausted, or after {@code maxIterations} products. Both ends of the spectrum are
 * found together, so ± pairs of equal magnitude do not slow it down, unlike power iteration.
 */
public final class Lanczos extends KrylovSolver {
  /** Default iteration cap. */
  public static final int DEFAULT_MAX_ITERATIONS = 40;

  /** Default relative residual tolerance. */
  public static final double DEFAULT_TOLERANCE = 1e-3;

  /** A solver with the given cap (at least 1) and relative residual tolerance. */
  public Lanczos(int maxIterations, double tolerance) {
    super("lanczos", maxIterations, tolerance);
  }

  /** A solver with the defaults. */
  public Lanczos() {
    this(DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
  }

  @Override
  KrylovDriver.SampleIteration start(double[] start) {
    return new TridiagonalLanczos(start, maxIterations, run -> run.estimate().residual() <= tolerance);
  }
}
