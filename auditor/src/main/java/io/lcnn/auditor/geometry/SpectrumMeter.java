package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.HessianSpectrum;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The spectrum of each sample's input Hessian from batched exact HVPs. Eigenvalues: one Lanczos
 * run per sample (full reorthogonalization) until every wanted Ritz value — the {@code k} of
 * largest magnitude, the smallest and the largest — has residual ‖Hy − θy‖ ≤ tol·max(|θ|,
 * 10⁻³·max|θ|), or {@code maxSteps} products. Density: stochastic Lanczos quadrature, {@code probes}
 * normalized Rademacher start vectors per sample, {@code slqSteps} steps each; the Gauss rule of
 * each run (Ritz values θ_k, squared first eigenvector components τ_k²) estimates the spectral
 * measure (1/d)Σδ(λ − λ_i), so Σ τ_k² θ_k^j estimates tr(H^j)/d exactly for j ≤ 2·steps − 1 up to
 * the probe's Hutchinson noise.
 */
public final class SpectrumMeter {
  /** Default most Lanczos steps of the eigenvalue run. */
  public static final int DEFAULT_MAX_STEPS = 100;

  /** Default relative residual of the eigenvalue run. */
  public static final double DEFAULT_TOLERANCE = 1e-3;

  /** Default SLQ probes per sample. */
  public static final int DEFAULT_PROBES = 4;

  /** Default Lanczos steps per SLQ probe. */
  public static final int DEFAULT_SLQ_STEPS = 30;

  /** Points of the density grid. */
  static final int GRID = 200;

  private SpectrumMeter() {}

  /**
   * Eigenvalues of each sample's Hessian.
   *
   * @return per sample: {@code [topK (largest magnitude first)..., mostNegative, mostPositive, steps]}
   */
  public static List<double[]> eigenvalues(HvpOracle hvp, FloatTensor x, int[] labels, int k, int maxSteps,
      double tolerance, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<TridiagonalLanczos> runs = new ArrayList<>();
    for (int i = 0; i < x.batchSize(); i++) {
      runs.add(new TridiagonalLanczos(KrylovDriver.randomUnit(rng.split(), x.sampleSize()), maxSteps,
          r -> wantedConverged(r, k, tolerance)));
    }
    KrylovDriver.run(hvp, x, labels, runs);
    List<double[]> out = new ArrayList<>();
    for (TridiagonalLanczos r : runs) {
      double[] theta = r.ritzValues();
      double[] top = byMagnitude(theta, k);
      double[] row = Arrays.copyOf(top, top.length + 3);
      row[top.length] = theta[0];
      row[top.length + 1] = theta[theta.length - 1];
      row[top.length + 2] = r.steps();
      out.add(row);
    }
    return out;
  }

  /**
   * Stochastic Lanczos quadrature of each sample's Hessian.
   *
   * @return per sample: rows {θ, weight}, weights summing to 1 over the sample's probes
   */
  public static List<double[][]> quadrature(HvpOracle hvp, FloatTensor x, int[] labels, int probes, int steps,
      long seed) {
    int b = x.batchSize();
    int d = x.sampleSize();
    SplittableRandom rng = new SplittableRandom(seed);
    int[] idx = new int[b * probes];
    List<TridiagonalLanczos> runs = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      for (int p = 0; p < probes; p++) {
        idx[i * probes + p] = i;
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
          v[j] = (rng.nextBoolean() ? 1 : -1) / Math.sqrt(d);
        }
        runs.add(new TridiagonalLanczos(v, steps, r -> false));
      }
    }
    int[] repeated = new int[idx.length];
    for (int a = 0; a < idx.length; a++) {
      repeated[a] = labels[idx[a]];
    }
    KrylovDriver.run(hvp, x.select(idx), repeated, runs);
    List<double[][]> out = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      List<double[]> rows = new ArrayList<>();
      for (int p = 0; p < probes; p++) {
        for (double[] q : runs.get(i * probes + p).quadrature()) {
          rows.add(new double[] {q[0], q[1] / probes});
        }
      }
      out.add(rows.toArray(new double[0][]));
    }
    return out;
  }

  /** Σ w θ^j for j = 1, 2: the estimates of tr(H)/d and tr(H²)/d. */
  public static double[] moments(double[][] rule) {
    double m1 = 0;
    double m2 = 0;
    for (double[] r : rule) {
      m1 += r[1] * r[0];
      m2 += r[1] * r[0] * r[0];
    }
    return new double[] {m1, m2};
  }

  /**
   * The density of the rules of several samples (equal weight per sample), smoothed with a
   * Gaussian of width {@code kernelWidth} (0: 1% of the nodes' range) on a grid of {@link #GRID} points.
   */
  public static HessianSpectrum.SpectralDensity density(List<double[][]> rules, double kernelWidth) {
    List<double[]> all = new ArrayList<>();
    for (double[][] rule : rules) {
      for (double[] r : rule) {
        all.add(new double[] {r[0], r[1] / rules.size()});
      }
    }
    all.sort((a, c) -> Double.compare(a[0], c[0]));
    double[] nodes = all.stream().mapToDouble(r -> r[0]).toArray();
    double[] weights = all.stream().mapToDouble(r -> r[1]).toArray();
    double lo = nodes[0];
    double hi = nodes[nodes.length - 1];
    double sigma = kernelWidth(nodes, kernelWidth);
    double[] grid = new double[GRID];
    double[] values = new double[GRID];
    double from = lo - 3 * sigma;
    double step = (hi - lo + 6 * sigma) / (GRID - 1);
    for (int g = 0; g < GRID; g++) {
      grid[g] = from + g * step;
      double s = 0;
      for (int k = 0; k < nodes.length; k++) {
        double z = (grid[g] - nodes[k]) / sigma;
        s += weights[k] * Math.exp(-0.5 * z * z);
      }
      values[g] = s / (sigma * Math.sqrt(2 * Math.PI));
    }
    double m1 = 0;
    double m2 = 0;
    for (int k = 0; k < nodes.length; k++) {
      m1 += weights[k] * nodes[k];
      m2 += weights[k] * nodes[k] * nodes[k];
    }
    return new HessianSpectrum.SpectralDensity(grid, values, new double[] {m1, m2}, nodes, weights);
  }

  /** The kernel width: {@code requested} when positive, else 1% of the range of the sorted nodes. */
  public static double kernelWidth(double[] sortedNodes, double requested) {
    return requested > 0 ? requested : Math.max(0.01 * (sortedNodes[sortedNodes.length - 1] - sortedNodes[0]), 1e-12);
  }

  /** The k values of largest magnitude, largest first (fewer when there are fewer values). */
  static double[] byMagnitude(double[] values, int k) {
    return Arrays.stream(values).boxed().sorted((a, b) -> Double.compare(Math.abs(b), Math.abs(a)))
        .limit(k).mapToDouble(Double::doubleValue).toArray();
  }

  private static boolean wantedConverged(TridiagonalLanczos r, int k, double tolerance) {
    double[] theta = r.ritzValues();
    double[] top = byMagnitude(theta, Math.max(k, 1));
    double scale = Math.abs(top[0]);
    double[] wanted = Arrays.copyOf(top, top.length + 2);
    wanted[top.length] = theta[0];
    wanted[top.length + 1] = theta[theta.length - 1];
    for (double w : wanted) {
      if (r.residual(w) > tolerance * Math.max(Math.abs(w), 1e-3 * scale)) {
        return false;
      }
    }
    return true;
  }
}
