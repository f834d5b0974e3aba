package io.lcnn.auditor.geometry;

import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.result.Stats;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Split summaries (mean, median, p90, max, min, accuracy) and the train–test discrepancy. */
public final class SplitStatistics {
  private SplitStatistics() {}

  /** The summary of one split's samples. */
  public static SplitSummary summarize(List<SampleGeometry> samples) {
    long correct = samples.stream().filter(s -> s.prediction() == s.label()).count();
    return new SplitSummary(
        samples.size(),
        samples.isEmpty() ? Double.NaN : (double) correct / samples.size(),
        stats(samples, SampleGeometry::loss),
        stats(samples, SampleGeometry::gradNorm),
        stats(samples, SampleGeometry::hessianSpectralNorm),
        stats(samples, SampleGeometry::curvature));
  }

  /**
   * Paper Table 3: Δ g = |(g_test − g_train) / g_test| for the split means of gradient norm,
   * Hessian spectral norm and curvature.
   */
  public static Discrepancy discrepancy(SplitSummary test, SplitSummary train) {
    return new Discrepancy(
        relative(test.gradNorm().mean(), train.gradNorm().mean()),
        relative(test.hessianSpectralNorm().mean(), train.hessianSpectralNorm().mean()),
        relative(test.curvature().mean(), train.curvature().mean()));
  }

  /**
   * Table 3's discrepancy of two splits' samples with its bootstrap intervals and Mann–Whitney
   * tests ({@link Bootstrap} with its defaults and the given seed).
   */
  public static Discrepancy discrepancy(
      SplitSummary test, SplitSummary train, List<SampleGeometry> testSamples, List<SampleGeometry> trainSamples,
      long seed) {
    Discrepancy bare = discrepancy(test, train);
    return new Discrepancy(bare.gradNorm(), bare.hessianSpectralNorm(), bare.curvature(),
        new Bootstrap(Bootstrap.DEFAULT_RESAMPLES, Bootstrap.DEFAULT_LEVEL, seed).discrepancy(testSamples, trainSamples));
  }

  /** |(test − train) / test|. */
  public static double relative(double test, double train) {
    return Math.abs((test - train) / test);
  }

  private static Stats stats(List<SampleGeometry> samples, ToDoubleFunction<SampleGeometry> f) {
    return Stats.of(samples.stream().mapToDouble(f).toArray());
  }
}
