package io.lcnn.auditor.attack;

import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Random perturbations of a batch: uniform in the ε-ball, or uniform on the ε-sphere. Row i draws
 * from its own stream {@code rng.apply(i)}.
 */
final class RandomStarts {
  private RandomStarts() {}

  /** {@code out} ← clip(x + ρ·u) per sample, u uniform on the unit sphere, ρ = ε·U^{1/d}. */
  static void inBall(IntFunction<SplittableRandom> rng, float[] x, float[] out, int n, int d, double eps, InputRange range) {
    fill(rng, x, out, n, d, eps, range, true);
  }

  /** {@code out} ← clip(x + ε·u) per sample, u uniform on the unit sphere. */
  static void onSphere(IntFunction<SplittableRandom> rng, float[] x, float[] out, int n, int d, double eps, InputRange range) {
    fill(rng, x, out, n, d, eps, range, false);
  }

  private static void fill(
      IntFunction<SplittableRandom> rngs, float[] x, float[] out, int n, int d, double eps, InputRange range, boolean ball) {
    float[] u = new float[d];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = rngs.apply(i);
      L2Ball.unitDirection(rng, u, 0, d);
      double rho = ball ? L2Ball.uniformRadius(rng, d, eps) : eps;
      int off = i * d;
      for (int j = 0; j < d; j++) {
        out[off + j] = (float) (x[off + j] + rho * u[j]);
      }
      L2Ball.projectAndClip(x, out, i, d, eps, range);
    }
  }
}
