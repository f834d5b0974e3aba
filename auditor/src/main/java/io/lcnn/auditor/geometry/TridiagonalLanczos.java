package io.lcnn.auditor.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * One sample's Lanczos run with full reorthogonalization, kept as its tridiagonal matrix T_m
 * (diagonal α, off-diagonal β) so that callers can read Ritz values (eigenvalue estimates),
 * residuals β_m·|s_m| and Gauss quadrature weights (squared first components of T's
 * eigenvectors). It stops after {@code maxSteps} products, when the Krylov space is exhausted, or
 * when {@code converged} says so after a step.
 */
final class TridiagonalLanczos implements KrylovDriver.SampleIteration {
  /** A stopping rule read after every step. */
  interface StopRule {
    boolean converged(TridiagonalLanczos run);
  }

  private final List<double[]> basis = new ArrayList<>();
  private final double[] alpha;
  private final double[] beta;
  private final int maxSteps;
  private final StopRule rule;
  private int steps;
  private EigenDecomposition eig;

  TridiagonalLanczos(double[] start, int maxSteps, StopRule rule) {
    this.maxSteps = Math.min(maxSteps, start.length);
    this.alpha = new double[this.maxSteps];
    this.beta = new double[this.maxSteps];
    this.rule = rule;
    basis.add(start);
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
    eig = null;
    if (steps >= maxSteps || beta[j] <= 1e-12 * Math.abs(alpha[j]) || beta[j] == 0 || rule.converged(this)) {
      return true;
    }
    KrylovDriver.scale(w, 1 / beta[j]);
    basis.add(w);
    return false;
  }

  /** Products spent. */
  int steps() {
    return steps;
  }

  /** Ritz values θ_1 ≤ … ≤ θ_m. */
  double[] ritzValues() {
    double[] v = decomposition().getRealEigenvalues().clone();
    Arrays.sort(v);
    return v;
  }

  /** Residual ‖Hy − θy‖ of the Ritz pair of θ (β_m times the last component of its eigenvector of T). */
  double residual(double theta) {
    EigenDecomposition e = decomposition();
    double[] values = e.getRealEigenvalues();
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (Math.abs(values[k] - theta) < Math.abs(values[best] - theta)) {
        best = k;
      }
    }
    return Math.abs(beta[steps - 1] * e.getEigenvector(best).getEntry(steps - 1));
  }

  /** Gauss quadrature of the start vector's spectral measure: rows {θ_k, τ_k²}, the τ² summing to 1. */
  double[][] quadrature() {
    EigenDecomposition e = decomposition();
    double[] values = e.getRealEigenvalues();
    double[][] out = new double[values.length][];
    for (int k = 0; k < values.length; k++) {
      double t = e.getEigenvector(k).getEntry(0);
      out[k] = new double[] {values[k], t * t};
    }
    return out;
  }

  private EigenDecomposition decomposition() {
    if (eig == null && steps == 1) {
      eig = new EigenDecomposition(new org.apache.commons.math3.linear.Array2DRowRealMatrix(new double[][] {{alpha[0]}}));
    } else if (eig == null) {
      eig = new EigenDecomposition(Arrays.copyOf(alpha, steps), Arrays.copyOf(beta, Math.max(0, steps - 1)));
    }
    return eig;
  }

  @Override
  public EigenEstimate estimate() {
    double[] v = ritzValues();
    double top = Math.abs(v[0]) >= Math.abs(v[v.length - 1]) ? v[0] : v[v.length - 1];
    return new EigenEstimate(Math.abs(top), top, steps, top == 0 ? 0 : residual(top) / Math.abs(top));
  }
}
