package io.lcnn.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.L2Ball;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.train.CrossEntropy;
import io.lcnn.trainer.train.InputGradients;
import java.util.SplittableRandom;

/**
 * The auditor's untargeted l2 PGD ({@link io.lcnn.auditor.attack.PgdL2}) written with libtorch
 * through DJL, for side-by-side throughput: per restart (on the samples not broken yet) a start
 * uniform in the ε-ball (or x itself), then {@code steps} steps x ← Clip(Proj_ε(x + α·g/‖g‖₂)) with
 * α = {@code stepSizeFactor}·ε/steps and g the input gradient of the summed cross-entropy of the
 * network's logits in inference mode, then one forward pass; a sample is broken when any evaluated
 * point is misclassified. The random starts are drawn on the host (the same construction as the
 * auditor's); every step runs in libtorch.
 *
 * @param steps gradient steps per restart (≥ 1)
 * @param stepSizeFactor α as a multiple of ε/steps
 * @param restarts independent starts (≥ 1)
 * @param randomStart start uniformly in the ball; when false every restart starts at x
 * @param seed seed of the random starts
 * @param range valid input range
 */
public record TorchPgdL2(int steps, double stepSizeFactor, int restarts, boolean randomStart, long seed, InputRange range) {

  /** Checks the settings. */
  public TorchPgdL2 {
    if (steps < 1 || restarts < 1 || !(stepSizeFactor > 0)) {
      throw new IllegalArgumentException("PGD needs steps >= 1, restarts >= 1 and a positive step size; got steps="
          + steps + " restarts=" + restarts + " stepSizeFactor=" + stepSizeFactor);
    }
  }

  /** Which samples of x [N, …] (labels [N]) the attack at radius {@code eps} broke. */
  public boolean[] run(TorchAutograd torch, FloatTensor x, int[] labels, double eps) {
    int n = x.batchSize();
    int d = x.sampleSize();
    double alpha = stepSizeFactor * eps / steps;
    DataType type = torch.precision();
    boolean[] broken = new boolean[n];
    for (int restart = 0; restart < restarts; restart++) {
      int[] index = java.util.stream.IntStream.range(0, n).filter(i -> !broken[i]).toArray();
      if (index.length == 0) {
        break;
      }
      FloatTensor clean = x.select(index);
      int[] y = new int[index.length];
      for (int r = 0; r < y.length; r++) {
        y[r] = labels[index[r]];
      }
      float[] start = clean.data().clone();
      if (randomStart) {
        randomStart(new SplittableRandom(seed + 7919L * restart), clean.data(), start, index.length, d, eps);
      }
      try (NDManager m = torch.network().manager().newSubManager()) {
        Shape shape = new Shape(clean.shape());
        NDArray cleanNd = m.create(clean.data(), shape).toType(type, false);
        NDArray adv = m.create(start, shape).toType(type, false);
        NDArray yNd = TorchAutograd.labels(m, y);
        for (int s = 0; s < steps; s++) {
          NDArray xi = adv.duplicate();
          xi.setRequiresGradient(true);
          NDArray logits;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            logits = torch.network().forward(xi, false);
            gc.backward(CrossEntropy.sum(logits, yNd));
          }
          mark(broken, index, logits, yNd);
          NDArray g = xi.getGradient();
          NDArray moved = adv.add(g.div(InputGradients.perSampleNorm(g).maximum(1e-30)).mul(alpha));
          NDArray delta = moved.sub(cleanNd);
          NDArray factor = InputGradients.perSampleNorm(delta).maximum(eps).pow(-1).mul(eps);
          adv = cleanNd.add(delta.mul(factor)).clip(range.lo(), range.hi());
        }
        mark(broken, index, torch.network().forward(adv, false), yNd);
      }
    }
    return broken;
  }

  private static void mark(boolean[] broken, int[] index, NDArray logits, NDArray labels) {
    boolean[] wrong = logits.argMax(1).neq(labels).toBooleanArray();
    for (int r = 0; r < wrong.length; r++) {
      broken[index[r]] |= wrong[r];
    }
  }

  private void randomStart(SplittableRandom rng, float[] x, float[] out, int n, int d, double eps) {
    float[] u = new float[d];
    for (int i = 0; i < n; i++) {
      L2Ball.unitDirection(rng, u, 0, d);
      double rho = L2Ball.uniformRadius(rng, d, eps);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (x[i * d + j] + rho * u[j]);
      }
      L2Ball.projectAndClip(x, out, i, d, eps, range);
    }
  }
}
