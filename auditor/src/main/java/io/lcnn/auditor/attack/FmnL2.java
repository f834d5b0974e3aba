package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Fast Minimum-Norm attack for l2 (FMN, Pintor, Roli, Brendel &amp; Biggio, NeurIPS 2021,
 * Algorithm 1): gives each sample the smallest adversarial perturbation it finds. The loss is
 * the logit margin L = z_y − max_{j≠y} z_j; its gradient is G_c − G_y with G_k the cross-entropy
 * gradient for label k and c the runner-up (see {@link TargetedDlr} for why), one call on a 2×
 * stacked batch per step (c from the previous point; the first step ranks the start with a
 * forward call). Per step k, with cosine-annealed γ_k (γ₀ → γ_K) and α_k (α₀ → α₀/100):
 * ε_k = ‖δ‖(1 − γ_k) when x + δ is misclassified; else ε_k = ‖δ‖ + L/‖∇L‖ (the linearized
 * distance to the boundary; here at least ‖δ‖(1 + γ_k), so that a point that lands exactly on a
 * flat boundary still crosses it) while no adversarial point has been found, and ‖δ‖(1 + γ_k) after;
 * then δ ← δ − α_k∇L/‖∇L‖ (a random unit direction where the gradient vanishes), projected onto
 * the ε_k-ball and clipped to the range. Every misclassified point met is a candidate; the
 * nearest one wins, and a final bisection along the segment from x to it moves it to the
 * decision boundary ({@link #RAY_STEPS} forward calls).
 *
 * <p>The radius found is an upper bound of the true smallest breaking radius.
 *
 * @param steps iterations K (default 100)
 * @param alpha initial step α₀ in input units (default 1, the authors' l2 default)
 * @param gammaInit initial ε-update factor γ₀ (0.05)
 * @param gammaFinal final factor γ_K (0.001)
 * @param seed seed of the random directions used where the gradient vanishes
 * @param range valid input range
 */
public record FmnL2(int steps, double alpha, double gammaInit, double gammaFinal, long seed, InputRange range) {

  /** Default iterations. */
  public static final int DEFAULT_STEPS = 100;
  /** Bisection steps of the final search along the segment from x to the found point. */
  public static final int RAY_STEPS = 10;

  /** Checks the settings. */
  public FmnL2 {
    if (steps < 1 || !(alpha > 0) || !(gammaInit > 0 && gammaInit < 1) || !(gammaFinal > 0 && gammaFinal <= gammaInit)) {
      throw new IllegalArgumentException("FMN needs steps >= 1, alpha > 0 and 0 < gammaFinal <= gammaInit < 1; got "
          + steps + ", " + alpha + ", " + gammaInit + ", " + gammaFinal);
    }
  }

  /** The published l2 defaults with {@code steps} iterations. */
  public static FmnL2 withDefaults(int steps, long seed, InputRange range) {
    return new FmnL2(steps, 1.0, 0.05, 0.001, seed, range);
  }

  /** Oracle calls per batch, for progress totals. */
  public int maxOracleCalls() {
    return steps + 2 + RAY_STEPS;
  }

  /**
   * What FMN found on a batch.
   *
   * @param radius per sample, the l2 norm of the nearest misclassified point found, or +∞
   * @param adversarial [B, ...] that point (the clean input where none was found)
   */
  public record Result(double[] radius, FloatTensor adversarial) {}

  /** Attacks a batch of correctly classified samples. */
  public Result run(GradientOracle oracle, FloatTensor x, int[] labels, long[] streams, IntConsumer progress) {
    int n = x.batchSize();
    int d = x.sampleSize();
    float[] x0 = x.data();
    double[] delta = new double[x0.length];
    double[] bestRadius = new double[n];
    Arrays.fill(bestRadius, Double.POSITIVE_INFINITY);
    float[] best = x0.clone();
    float[] point = x0.clone();
    SplittableRandom[] rngs = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      rngs[i] = Rng.of(seed, 0, streams[i], 0);
    }
    int[] runnerUp = runnerUp(oracle.forward(x, labels), labels);
    progress.accept(1);
    for (int k = 0; k < steps; k++) {
      GradientResult g = StackedGradients.of(oracle, new FloatTensor(x.shape(), point), labels, runnerUp);
      progress.accept(1);
      float[] gd = g.gradient().data();
      int classes = g.output().sampleSize();
      ForwardResult own = new ForwardResult(Arrays.copyOf(g.loss(), n),
          new FloatTensor(new long[] {n, classes}, Arrays.copyOf(g.output().data(), n * classes)));
      int[] pred = own.predictions();
      double gamma = cosine(gammaInit, gammaFinal, k);
      double a = cosine(alpha, alpha / 100, k);
      for (int i = 0; i < n; i++) {
        int off = i * d;
        double[] z = TargetedDlr.logits(own.output().data(), i * classes, classes, labels[i], own.loss()[i]);
        double margin = z[labels[i]] - z[runnerUp[i]];
        boolean adversarial = pred[i] != labels[i];
        if (adversarial) {
          SegmentSearch.keepIfNearer(x0, point, best, bestRadius, i, d);
        }
        double[] grad = new double[d];
        double gn = 0;
        for (int j = 0; j < d; j++) {
          grad[j] = (double) gd[(n + i) * d + j] - gd[off + j];
          gn += grad[j] * grad[j];
        }
        gn = Math.sqrt(gn);
        double norm = 0;
        for (int j = 0; j < d; j++) {
          norm += delta[off + j] * delta[off + j];
        }
        norm = Math.sqrt(norm);
        double eps;
        if (adversarial) {
          eps = norm * (1 - gamma);
        } else if (Double.isFinite(bestRadius[i])) {
          eps = norm * (1 + gamma);
        } else {
          eps = gn > 0 && Double.isFinite(gn) ? Math.max(norm + margin / gn, norm * (1 + gamma)) : Double.POSITIVE_INFINITY;
        }
        if (gn > 0 && Double.isFinite(gn)) {
          for (int j = 0; j < d; j++) {
            delta[off + j] -= a * grad[j] / gn;
          }
        } else {
          float[] u = new float[d];
          L2Ball.unitDirection(rngs[i], u, 0, d);
          for (int j = 0; j < d; j++) {
            delta[off + j] += a * u[j];
          }
        }
        double dn = 0;
        for (int j = 0; j < d; j++) {
          dn += delta[off + j] * delta[off + j];
        }
        dn = Math.sqrt(dn);
        double scale = dn > eps ? eps / dn : 1.0;
        for (int j = 0; j < d; j++) {
          point[off + j] = (float) range.clip(x0[off + j] + delta[off + j] * scale);
          delta[off + j] = (double) point[off + j] - x0[off + j];
        }
      }
      runnerUp = runnerUp(own, labels);
    }
    int[] pred = oracle.forward(new FloatTensor(x.shape(), point), labels).predictions();
    progress.accept(1);
    for (int i = 0; i < n; i++) {
      if (pred[i] != labels[i]) {
        SegmentSearch.keepIfNearer(x0, point, best, bestRadius, i, d);
      }
    }
    SegmentSearch.shrink(oracle, x, labels, best, bestRadius, RAY_STEPS, progress);
    return new Result(bestRadius, new FloatTensor(x.shape().clone(), best));
  }

  /** Cosine annealing from {@code from} at step 0 to {@code to} at step K. */
  private double cosine(double from, double to, int k) {
    return to + (from - to) * (1 + Math.cos(Math.PI * k / steps)) / 2;
  }

  /** Per row the largest class other than the label. */
  private static int[] runnerUp(ForwardResult f, int[] labels) {
    int k = f.output().sampleSize();
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      double[] z = TargetedDlr.logits(f.output().data(), i * k, k, labels[i], f.loss()[i]);
      int c = labels[i] == 0 ? 1 : 0;
      for (int j = 0; j < k; j++) {
        if (j != labels[i] && z[j] > z[c]) {
          c = j;
        }
      }
      out[i] = c;
    }
    return out;
  }
}
