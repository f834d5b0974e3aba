package io.lcnn.auditor.attack;

import java.util.SplittableRandom;

/**
 * l2-ball geometry on flat per-sample blocks of a row-major batch: norms, the projection onto the
 * ball ‖x' − x‖₂ ≤ ε followed by clipping to the input range, and uniform sampling in the ball
 * and on the sphere. Arithmetic is in double; results are stored as float32.
 */
public final class L2Ball {
  private L2Ball() {}

  /** l2 norm of {@code v[off .. off+d)}. */
  public static double norm(float[] v, int off, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = v[off + j];
      s += t * t;
    }
    return Math.sqrt(s);
  }

  /** l2 distance between {@code a[off..off+d)} and {@code b[off..off+d)}. */
  public static double distance(float[] a, float[] b, int off, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = (double) a[off + j] - b[off + j];
      s += t * t;
    }
    return Math.sqrt(s);
  }

  /**
   * Replaces sample {@code i} of {@code adv} by its projection onto the ε-ball around sample
   * {@code i} of {@code x}, then clips it to {@code range}. Clipping cannot leave the ball, since
   * {@code x} lies in the range and clipping moves every coordinate towards it.
   */
  public static void projectAndClip(float[] x, float[] adv, int i, int d, double eps, InputRange range) {
    projectAndClip(x, i * d, adv, i * d, d, eps, range);
  }

  /**
   * The same for a point {@code adv[advOff .. advOff+d)} around {@code x[xOff .. xOff+d)}, which
   * may sit at different offsets.
   */
  public static void projectAndClip(float[] x, int xOff, float[] adv, int advOff, int d, double eps, InputRange range) {
    double dist = distance(adv, advOff, x, xOff, d);
    double scale = dist > eps ? eps / dist : 1.0;
    for (int j = 0; j < d; j++) {
      double delta = ((double) adv[advOff + j] - x[xOff + j]) * scale;
      adv[advOff + j] = (float) range.clip(x[xOff + j] + delta);
    }
    double shrink = 1.0 - 1e-6;
    while (scale < 1.0 && distance(adv, advOff, x, xOff, d) > eps) {
      // float32 rounding pushed the projected point just outside the ball
      for (int j = 0; j < d; j++) {
        double delta = ((double) adv[advOff + j] - x[xOff + j]) * shrink;
        adv[advOff + j] = (float) range.clip(x[xOff + j] + delta);
      }
      shrink *= shrink;
    }
  }

  private static double distance(float[] a, int aOff, float[] b, int bOff, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = (double) a[aOff + j] - b[bOff + j];
      s += t * t;
    }
    return Math.sqrt(s);
  }

  /**
   * Writes into {@code out[off..off+d)} a unit vector uniformly distributed on the sphere (a
   * normalized standard Gaussian vector).
   */
  public static void unitDirection(SplittableRandom rng, float[] out, int off, int d) {
    double[] g = new double[d];
    double s = 0;
    for (int j = 0; j < d; j++) {
      g[j] = gaussian(rng);
      s += g[j] * g[j];
    }
    double inv = 1.0 / Math.sqrt(s);
    for (int j = 0; j < d; j++) {
      out[off + j] = (float) (g[j] * inv);
    }
  }

  /**
   * Radius of a point uniform in the d-dimensional ε-ball: ε·U^{1/d} with U uniform in (0, 1],
   * so that P(radius ≤ t·ε) = t^d.
   */
  public static double uniformRadius(SplittableRandom rng, int d, double eps) {
    double u = 1.0 - rng.nextDouble();
    return eps * Math.exp(Math.log(u) / d);
  }

  /** A standard normal variate (Box–Muller). */
  static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
