package io.lcnn.auditor.attack;

import java.util.SplittableRandom;

/**
 * l2-ball geometry on flat per-sample blocks of a row-major batch: norms, the exact projection
 * onto the intersection of the ball ‖x' − x‖₂ ≤ ε and the input range, and uniform sampling in
 * the ball and on the sphere. Arithmetic is in double; results are stored as float32.
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
   * Replaces sample {@code i} of {@code adv} by its Euclidean projection onto the intersection of
   * the ε-ball around sample {@code i} of {@code x} and the input range (see
   * {@link #projectAndClip(float[], int, float[], int, int, double, InputRange)}).
   */
  public static void projectAndClip(float[] x, float[] adv, int i, int d, double eps, InputRange range) {
    projectAndClip(x, i * d, adv, i * d, d, eps, range);
  }

  /**
   * The Euclidean projection of the point {@code adv[advOff .. advOff+d)} onto the intersection
   * of the ε-ball around {@code x[xOff .. xOff+d)} and the input box, written back into
   * {@code adv}. With v = adv − x, the projection is x + clip(t·v) for the largest t ∈ (0, 1]
   * with ‖clip(t·v)‖₂ ≤ ε, where clip keeps x + δ in the range (the KKT conditions of
   * min ½‖δ − v‖² s.t. ‖δ‖ ≤ ε and the box give δⱼ = clip(vⱼ/(1 + μ)), and ‖clip(t·v)‖ grows
   * with t, so t = 1/(1 + μ) is found by bisection). Scaling to the sphere and then clipping, as
   * plain PGD does, is the special case of no clipped coordinate; with clipped coordinates (black
   * or white pixels) it lands strictly inside the ball and wastes part of the budget. Arithmetic
   * is in double; a point that float32 rounding leaves just outside the ball is pulled in.
   */
  public static void projectAndClip(float[] x, int xOff, float[] adv, int advOff, int d, double eps, InputRange range) {
    double t = 1.0;
    if (clippedNorm(x, xOff, adv, advOff, d, 1.0, range) > eps) {
      double lo = eps / distance(adv, advOff, x, xOff, d);
      double hi = 1.0;
      for (int it = 0; it < 60 && hi - lo > 1e-9 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (clippedNorm(x, xOff, adv, advOff, d, mid, range) > eps) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      t = lo;
    }
    for (int j = 0; j < d; j++) {
      double delta = ((double) adv[advOff + j] - x[xOff + j]) * t;
      adv[advOff + j] = (float) range.clip(x[xOff + j] + delta);
    }
    double shrink = 1.0 - 1e-6;
    while (distance(adv, advOff, x, xOff, d) > eps) {
      // float32 rounding pushed the projected point just outside the ball
      for (int j = 0; j < d; j++) {
        double delta = ((double) adv[advOff + j] - x[xOff + j]) * shrink;
        adv[advOff + j] = (float) range.clip(x[xOff + j] + delta);
      }
      shrink *= shrink;
    }
  }

  /** ‖clip(x + t·(adv − x)) − x‖₂, the norm of the scaled step after clipping to the range. */
  private static double clippedNorm(float[] x, int xOff, float[] adv, int advOff, int d, double t, InputRange range) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double base = x[xOff + j];
      double delta = range.clip(base + t * ((double) adv[advOff + j] - base)) - base;
      s += delta * delta;
    }
    return Math.sqrt(s);
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
