package io.lcnn.auditor.result;

/** Summary statistics of one per-sample quantity over a split. */
public record Stats(double mean, double median, double p90, double max, double min) {

  /** Statistics of the given values (NaN-free); all NaN for an empty array. */
  public static Stats of(double[] values) {
    if (values.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] s = values.clone();
    java.util.Arrays.sort(s);
    double sum = 0;
    for (double v : s) {
      sum += v;
    }
    return new Stats(sum / s.length, quantile(s, 0.5), quantile(s, 0.9), s[s.length - 1], s[0]);
  }

  /** Linear-interpolation quantile of sorted values (NumPy's default). */
  public static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
