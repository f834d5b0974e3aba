package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Decoupled Direction and Norm (DDN, Rony et al., CVPR 2019, Algorithm 1): a minimum-norm l2
 * attack that gives each sample the smallest adversarial perturbation it finds. Per sample:
 * δ₀ = 0, ε₀ = {@code initNorm}; each step takes the cross-entropy gradient g at x̃ = clip(x + δ),
 * δ ← δ + α_k·g/‖g‖ (a random unit direction where g is zero or not finite), ε ← (1 − γ)ε when x̃
 * is misclassified and (1 + γ)ε when not, then δ ← ε·δ/‖δ‖ and x̃ ← clip(x + δ). The step α_k
 * is cosine-annealed from {@code alpha} to 0.01·… as in the authors' code: α_k = 0.01 + (α − 0.01)
 * (1 + cos(πk/K))/2. Every evaluated misclassified point is a candidate; the one nearest x wins.
 *
 * <p>One gradient call per step serves the batch, plus a final forward call: K + 1 calls. The
 * radius found is an upper bound of the true smallest breaking radius.
 *
 * @param steps iterations K (default 100)
 * @param gamma norm update factor γ (default 0.05)
 * @param alpha initial step α (default 1, in input units)
 * @param initNorm initial norm ε₀ (default 1, in input units)
 * @param seed seed of the random directions used where the gradient vanishes
 * @param range valid input range
 */
public record DdnL2(int steps, double gamma, double alpha, double initNorm, long seed, InputRange range) {

  /** Default iterations. */
  public static final int DEFAULT_STEPS = 100;

  /** Checks the settings. */
  public DdnL2 {
    if (steps < 1 || !(gamma > 0 && gamma < 1) || !(alpha > 0) || !(initNorm > 0)) {
      throw new IllegalArgumentException("DDN needs steps >= 1, gamma in (0, 1), alpha > 0 and initNorm > 0; got "
          + steps + ", " + gamma + ", " + alpha + ", " + initNorm);
    }
  }

  /** The published defaults with {@code steps} iterations. */
  public static DdnL2 withDefaults(int steps, long seed, InputRange range) {
    return new DdnL2(steps, 0.05, 1.0, 1.0, seed, range);
  }

  /** Oracle calls per batch, for progress totals. */
  public int maxOracleCalls() {
    return steps + 1;
  }

  /**
   * What DDN found on a batch.
   *
   * @param radius per sample, the l2 norm of the nearest misclassified point found, or +∞
   * @param adversarial [B, ...] that point (the clean input where none was found)
   */
  public record Result(double[] radius, FloatTensor adversarial) {}

  /** Attacks a batch of correctly classified samples. */
  public Result run(GradientOracle oracle, FloatTensor x, int[] labels, long stream, IntConsumer progress) {
    int n = x.batchSize();
    int d = x.sampleSize();
    float[] x0 = x.data();
    double[] delta = new double[x0.length];
    double[] norm = new double[n];
    Arrays.fill(norm, initNorm);
    double[] bestRadius = new double[n];
    Arrays.fill(bestRadius, Double.POSITIVE_INFINITY);
    float[] best = x0.clone();
    float[] point = x0.clone();
    SplittableRandom rng = Rng.of(seed, 0, stream, 0);
    for (int k = 0; k < steps; k++) {
      GradientResult g = oracle.gradient(new FloatTensor(x.shape(), point), labels);
      progress.accept(1);
      int[] pred = g.forward().predictions();
      float[] grad = g.gradient().data();
      double a = 0.01 + (alpha - 0.01) * (1 + Math.cos(Math.PI * k / steps)) / 2;
      for (int i = 0; i < n; i++) {
        int off = i * d;
        boolean adversarial = pred[i] != labels[i];
        if (adversarial) {
          keepIfNearer(x0, point, best, bestRadius, i, d);
        }
        double gn = L2Ball.norm(grad, off, d);
        if (gn > 0 && Double.isFinite(gn)) {
          for (int j = 0; j < d; j++) {
            delta[off + j] += a * grad[off + j] / gn;
          }
        } else {
          float[] u = new float[d];
          L2Ball.unitDirection(rng, u, 0, d);
          for (int j = 0; j < d; j++) {
            delta[off + j] += a * u[j];
          }
        }
        norm[i] *= adversarial ? 1 - gamma : 1 + gamma;
        double dn = 0;
        for (int j = 0; j < d; j++) {
          dn += delta[off + j] * delta[off + j];
        }
        double scale = dn > 0 ? norm[i] / Math.sqrt(dn) : 0;
        for (int j = 0; j < d; j++) {
          delta[off + j] *= scale;
          point[off + j] = (float) range.clip(x0[off + j] + delta[off + j]);
        }
      }
    }
    int[] pred = oracle.forward(new FloatTensor(x.shape(), point), labels).predictions();
    progress.accept(1);
    for (int i = 0; i < n; i++) {
      if (pred[i] != labels[i]) {
        keepIfNearer(x0, point, best, bestRadius, i, d);
      }
    }
    return new Result(bestRadius, new FloatTensor(x.shape().clone(), best));
  }

  private static void keepIfNearer(float[] x0, float[] point, float[] best, double[] bestRadius, int i, int d) {
    double r = L2Ball.distance(point, x0, i * d, d);
    if (r < bestRadius[i]) {
      bestRadius[i] = r;
      System.arraycopy(point, i * d, best, i * d, d);
    }
  }
}
