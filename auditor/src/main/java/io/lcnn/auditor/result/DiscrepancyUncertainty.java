package io.lcnn.auditor.result;

/**
 * The uncertainty of the train–test discrepancy: percentile-bootstrap confidence intervals (each
 * split resampled with replacement, independently, {@code resamples} times from a seeded
 * generator, so the intervals repeat exactly) of each split's mean and of the discrepancy, and a
 * two-sided Mann–Whitney U test of "test and train values come from the same distribution".
 *
 * @param resamples bootstrap resamples
 * @param level confidence level of the intervals, e.g. 0.95
 * @param seed seed of the resampling
 * @param method {@code "percentile bootstrap"}
 * @param test {@code "Mann-Whitney U, two-sided, normal approximation"}
 * @param gradNorm intervals and test of ‖∇f‖₂
 * @param hessianSpectralNorm intervals and test of ‖∇²f‖₂
 * @param curvature intervals and test of C_f
 */
public record DiscrepancyUncertainty(
    int resamples,
    double level,
    long seed,
    String method,
    String test,
    QuantityUncertainty gradNorm,
    QuantityUncertainty hessianSpectralNorm,
    QuantityUncertainty curvature) {

  /**
   * One quantity.
   *
   * @param testMean interval of the test split's mean
   * @param trainMean interval of the training split's mean
   * @param discrepancy interval of |(mean_test − mean_train) / mean_test|
   * @param mannWhitneyU the U statistic of the test split
   * @param pValue the test's two-sided p-value
   */
  public record QuantityUncertainty(
      Interval testMean, Interval trainMean, Interval discrepancy, double mannWhitneyU, double pValue) {}

  /** A confidence interval [low, high]. */
  public record Interval(double low, double high) {}
}
