package io.lcnn.auditor.geometry;

import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Power iteration u ← Hu/‖Hu‖ on each sample's input Hessian, with a Rayleigh–Ritz step on the
 * span of the last two iterates {u_k, u_{k+1}} (whose products are already known): the Ritz
 * value θ of largest |θ| is the estimate and the Ritz vector's residual ‖Hy − θy‖/|θ|, computed
 * exactly from the stored products, the convergence test. The two-vector step resolves the case
 * of top eigenvalues ±λ, where the plain Rayleigh quotient uᵀHu oscillates; convergence is still
 * slow when the top two magnitudes are close (ratio |λ₂/λ₁| per step), which is why
 * {@link Lanczos} is the default.
 */
public final class PowerIteration extends KrylovSolver {
  /** Default iteration cap. */
  public static final int DEFAULT_MAX_ITERATIONS = 100;

  /** Default relative residual tolerance. */
  public static final double DEFAULT_TOLERANCE = 1e-3;

  /** A solver with the given cap (at least 1) and relative residual tolerance. */
  public PowerIteration(int maxIterations, double tolerance) {
    super("power", maxIterations, tolerance);
  }

  /** A solver with the defaults. */
  public PowerIteration() {
    this(DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
  }

  @Override
  KrylovDriver.SampleIteration start(double[] start) {
    return new State(start);
  }

  private final class State implements KrylovDriver.SampleIteration {
    private double[] u;
    private double[] previous;
    private double[] previousProduct;
    private int steps;
    private double theta;
    private double residual = Double.POSITIVE_INFINITY;

    State(double[] start) {
      u = start;
    }

    @Override
    public double[] vector() {
      return u;
    }

    @Override
    public boolean accept(double[] hu) {
      steps++;
      if (previous == null) {
        theta = KrylovDriver.dot(u, hu);
        residual = relativeResidual(u, hu, theta);
      } else {
        ritzOnLastTwo(hu);
      }
      double norm = KrylovDriver.norm(hu);
      if (norm == 0) {
        theta = 0;
        residual = 0;
        return true;
      }
      if (residual <= tolerance || steps >= maxIterations) {
        return true;
      }
      previous = u;
      previousProduct = hu;
      u = hu.clone();
      KrylovDriver.scale(u, 1 / norm);
      return false;
    }

    private void ritzOnLastTwo(double[] hu) {
      double[] q1 = previous;
      double[] hq1 = previousProduct;
      double c = KrylovDriver.dot(u, q1);
      double[] q2 = u.clone();
      KrylovDriver.subtract(q2, c, q1);
      double n2 = KrylovDriver.norm(q2);
      if (n2 < 1e-12) {
        theta = KrylovDriver.dot(u, hu);
        residual = relativeResidual(u, hu, theta);
        return;
      }
      KrylovDriver.scale(q2, 1 / n2);
      double[] hq2 = hu.clone();
      KrylovDriver.subtract(hq2, c, hq1);
      KrylovDriver.scale(hq2, 1 / n2);
      double a11 = KrylovDriver.dot(q1, hq1);
      double a22 = KrylovDriver.dot(q2, hq2);
      double a12 = 0.5 * (KrylovDriver.dot(q1, hq2) + KrylovDriver.dot(q2, hq1));
      EigenDecomposition eig = new EigenDecomposition(new double[] {a11, a22}, new double[] {a12});
      double[] values = eig.getRealEigenvalues();
      int best = Math.abs(values[0]) >= Math.abs(values[1]) ? 0 : 1;
      double s1 = eig.getEigenvector(best).getEntry(0);
      double s2 = eig.getEigenvector(best).getEntry(1);
      double[] y = new double[u.length];
      double[] hy = new double[u.length];
      for (int j = 0; j < y.length; j++) {
        y[j] = s1 * q1[j] + s2 * q2[j];
        hy[j] = s1 * hq1[j] + s2 * hq2[j];
      }
      theta = values[best];
      residual = relativeResidual(y, hy, theta);
    }

    private double relativeResidual(double[] y, double[] hy, double lambda) {
      if (lambda == 0) {
        return KrylovDriver.norm(hy) == 0 ? 0 : Double.POSITIVE_INFINITY;
      }
      double[] r = hy.clone();
      KrylovDriver.subtract(r, lambda, y);
      return KrylovDriver.norm(r) / (Math.abs(lambda) * KrylovDriver.norm(y));
    }

    @Override
    public EigenEstimate estimate() {
      return new EigenEstimate(Math.abs(theta), theta, steps, residual);
    }
  }
}
