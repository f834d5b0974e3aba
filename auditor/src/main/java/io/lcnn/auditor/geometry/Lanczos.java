package io.lcnn.auditor.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.EigenDecomposition;

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
    return new State(start);
  }

  private final class State implements KrylovDriver.SampleIteration {
    private final List<double[]> basis = new ArrayList<>();
    private final double[] alpha = new double[maxIterations];
    private final double[] beta = new double[maxIterations];
    private final int dimension;
    private int steps;
    private double theta;
    private double residual;

    State(double[] start) {
      basis.add(start);
      dimension = start.length;
    }

    @Override
    public double[] vector() {
      return basis.get(basis.size() - 1);
    }

    @Override
    public boolean accept(double[] w) {
      int j = steps;
      double[] q = vector();
      alpha[j] = KrylovDriver.dot(w, q);
      KrylovDriver.subtract(w, alpha[j], q);
      if (j > 0) {
        KrylovDriver.subtract(w, beta[j - 1], basis.get(j - 1));
      }
      for (int pass = 0; pass < 2; pass++) {
        for (double[] b : basis) {
          KrylovDriver.subtract(w, KrylovDriver.dot(w, b), b);
        }
      }
      beta[j] = KrylovDriver.norm(w);
      steps = j + 1;
      ritz();
      boolean converged = theta == 0 ? beta[j] == 0 : residual <= tolerance;
      if (converged || steps >= maxIterations || steps >= dimension || beta[j] == 0) {
        return true;
      }
      KrylovDriver.scale(w, 1 / beta[j]);
      basis.add(w);
      return false;
    }

    private void ritz() {
      int m = steps;
      double[] main = Arrays.copyOf(alpha, m);
      double[] off = Arrays.copyOf(beta, m - 1);
      if (m == 1) {
        theta = main[0];
        residual = theta == 0 ? 0 : beta[0] / Math.abs(theta);
        return;
      }
      EigenDecomposition eig = new EigenDecomposition(main, off);
      double[] values = eig.getRealEigenvalues();
      int best = 0;
      for (int k = 1; k < values.length; k++) {
        if (Math.abs(values[k]) > Math.abs(values[best])) {
          best = k;
        }
      }
      theta = values[best];
      double last = eig.getEigenvector(best).getEntry(m - 1);
      residual = theta == 0 ? 0 : beta[m - 1] * Math.abs(last) / Math.abs(theta);
    }

    @Override
    public EigenEstimate estimate() {
      return new EigenEstimate(Math.abs(theta), theta, steps, residual);
    }
  }
}
