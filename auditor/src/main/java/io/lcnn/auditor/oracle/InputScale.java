package io.lcnn.auditor.oracle;

/**
 * The scale finite-difference steps are taken relative to: the largest |x_j| of one sample
 * (1 for an all-zero sample), in input units.
 */
public final class InputScale {
  private InputScale() {}

  /** max_j |data[offset + j]| over {@code n} values, or 1 when they are all zero. */
  public static double of(float[] data, int offset, int n) {
    double m = 0;
    for (int j = 0; j < n; j++) {
      m = Math.max(m, Math.abs(data[offset + j]));
    }
    return m > 0 && Double.isFinite(m) ? m : 1.0;
  }
}
