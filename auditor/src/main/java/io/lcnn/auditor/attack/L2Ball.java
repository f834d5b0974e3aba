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
    double t = largestScale(x, xOff, adv, advOff, d, eps, range);
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

  /**
   * The largest t ∈ [0, 1] with ‖clip(t·v)‖₂ ≤ ε, v = adv − x, exactly: coordinate j saturates at
   * its bound bⱼ (distance from xⱼ to the range's edge in vⱼ's direction) once t ≥ tⱼ = bⱼ/|vⱼ|,
   * so ‖clip(t·v)‖² = t²·Σ_{tⱼ > t} vⱼ² + Σ_{tⱼ ≤ t} bⱼ², piecewise quadratic and increasing in t;
   * walking the sorted breakpoints below 1 finds the piece where it crosses ε².
   */
  private static double largestScale(float[] x, int xOff, float[] adv, int advOff, int d, double eps, InputRange range) {
    double free = 0;
    int saturating = 0;
    double[] breaks = null;
    double[] bound2 = null;
    double[] v2 = null;
    for (int j = 0; j < d; j++) {
      double v = (double) adv[advOff + j] - x[xOff + j];
      if (v == 0) {
        continue;
      }
      double b = v > 0 ? range.hi() - x[xOff + j] : x[xOff + j] - range.lo();
      b = Math.max(b, 0);
      if (b < Math.abs(v)) {
        if (breaks == null) {
          breaks = new double[d];
          bound2 = new double[d];
          v2 = new double[d];
        }
        breaks[saturating] = b / Math.abs(v);
        bound2[saturating] = b * b;
        v2[saturating] = v * v;
        saturating++;
      }
      free += v * v;
    }
    double eps2 = eps * eps;
    double clipped = 0;
    if (saturating > 0) {
      Integer[] order = new Integer[saturating];
      for (int k = 0; k < saturating; k++) {
        order[k] = k;
      }
      final double[] br = breaks;
      java.util.Arrays.sort(order, (a, c) -> Double.compare(br[a], br[c]));
      for (Integer k : order) {
        double t = breaks[k];
        if (t * t * free + clipped >= eps2) {
          break;
        }
        free -= v2[k];
        clipped += bound2[k];
      }
    }
    if (free <= 0) {
      return 1.0;
    }
    double t = Math.sqrt(Math.max(eps2 - clipped, 0) / free);
    return Math.min(t, 1.0);
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
