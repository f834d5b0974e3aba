package io.lcnn.auditor.attack;

/**
 * The smallest l2 step from a point p onto an affine hyperplane inside the input box, the
 * projection FAB needs: δ* = argmin ‖δ‖₂ subject to ⟨w, δ⟩ = c and lo ≤ p + δ ≤ hi (all in
 * input units, on one flat sample of d values). From the KKT conditions δⱼ = clip(λ·wⱼ) for one
 * scalar λ, clip keeping pⱼ + δⱼ in the box; with c ≥ 0 (otherwise w and c change sign) λ ≥ 0 and
 * ⟨w, clip(λw)⟩ = λ·Σ_{free} wⱼ² + Σ_{saturated} wⱼbⱼ is piecewise linear and increasing in λ, with
 * coordinate j saturating at its bound bⱼ (hi − pⱼ when wⱼ > 0, lo − pⱼ when wⱼ < 0) once
 * λ ≥ bⱼ/wⱼ; walking the sorted breakpoints finds the piece where it reaches c. When even the
 * box corner in w's direction does not reach the hyperplane, that corner (λ → ∞) is returned: the
 * closest the box allows. Arithmetic is in double.
 */
final class HyperplaneProjection {
  private HyperplaneProjection() {}

  /**
   * Writes δ* into {@code out[0 .. d)}.
   *
   * @param p the point, {@code p[off .. off+d)}
   * @param w the hyperplane's normal, length d
   * @param c the right-hand side: the hyperplane is ⟨w, p + δ⟩ = ⟨w, p⟩ + c
   */
  static void project(float[] p, int off, double[] w, double c, InputRange range, double[] out) {
    int d = w.length;
    double sign = c < 0 ? -1 : 1;
    double target = Math.abs(c);
    double free = 0;
    double[] breaks = new double[d];
    int[] order = new int[d];
    int saturating = 0;
    for (int j = 0; j < d; j++) {
      double wj = sign * w[j];
      if (wj == 0) {
        continue;
      }
      free += wj * wj;
      breaks[saturating] = bound(p[off + j], wj, range) / wj;
      order[saturating] = j;
      saturating++;
    }
    if (target == 0 || free == 0) {
      java.util.Arrays.fill(out, 0, d, 0);
      return;
    }
    Integer[] sorted = new Integer[saturating];
    for (int k = 0; k < saturating; k++) {
      sorted[k] = k;
    }
    java.util.Arrays.sort(sorted, (a, b) -> Double.compare(breaks[a], breaks[b]));
    double reached = 0;
    double lambda = Double.POSITIVE_INFINITY;
    for (Integer k : sorted) {
      int j = order[k];
      double wj = sign * w[j];
      if (breaks[k] * free + reached >= target) {
        lambda = (target - reached) / free;
        break;
      }
      free -= wj * wj;
      reached += wj * bound(p[off + j], wj, range);
    }
    if (Double.isInfinite(lambda) && free > 0) {
      lambda = (target - reached) / free;
    }
    for (int j = 0; j < d; j++) {
      double wj = sign * w[j];
      if (wj == 0) {
        out[j] = 0;
        continue;
      }
      double b = bound(p[off + j], wj, range);
      double v = lambda * wj;
      out[j] = wj > 0 ? Math.min(v, b) : Math.max(v, b);
    }
  }

  /** How far coordinate value {@code v} may move in the direction of sign(wj) inside the range. */
  private static double bound(double v, double wj, InputRange range) {
    return wj > 0 ? Math.max(range.hi() - v, 0) : Math.min(range.lo() - v, 0);
  }
}
