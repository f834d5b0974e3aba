package io.lcnn.auditor.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.DiscrepancyUncertainty;
import io.lcnn.auditor.result.DiscrepancyUncertainty.Interval;
import io.lcnn.auditor.result.SampleGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The percentile bootstrap against closed forms on synthetic normal data, and its repeatability.
 */
class BootstrapClosedFormTest {
  /**
   * For n = 400 normal values, the 95% percentile-bootstrap interval of the mean agrees with the
   * normal-theory interval x̄ ± 1.959964·s/√n: each end within 5% of the half-width (the
   * bootstrap's own Monte-Carlo error with 4000 resamples is about 2% of it).
   */
  @Test
  void meanIntervalMatchesNormalTheoryInterval() {
    Random rnd = new Random(42);
    int n = 400;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 3 + 2 * rnd.nextGaussian();
    }
    double mean = java.util.Arrays.stream(x).average().orElseThrow();
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double half = 1.959963985 * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    Interval ci = new Bootstrap(4000, 0.95, 7).meanInterval(x);
    assertEquals(mean - half, ci.low(), 0.05 * half);
    assertEquals(mean + half, ci.high(), 0.05 * half);
  }

  /**
   * The discrepancy interval of two normal samples (test mean 10, train mean 8, sd 1, n = 300
   * each) covers the closed-form discrepancy of the population means, |(10 − 8)/10| = 0.2, and
   * its width agrees with the delta method: d = 1 − μ_tr/μ_te has standard error
   * √(σ²/n·(1/μ_te² + μ_tr²/μ_te⁴)), so the 95% width is 2·1.96·SE within 15%.
   */
  @Test
  void discrepancyIntervalMatchesDeltaMethod() {
    Random rnd = new Random(9);
    int n = 300;
    List<SampleGeometry> test = new ArrayList<>();
    List<SampleGeometry> train = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      test.add(sample(i, 10 + rnd.nextGaussian()));
      train.add(sample(i, 8 + rnd.nextGaussian()));
    }
    DiscrepancyUncertainty u = new Bootstrap(4000, 0.95, 3).discrepancy(test, train);
    Interval d = u.curvature().discrepancy();
    assertTrue(d.low() <= 0.2 && 0.2 <= d.high(), "interval " + d + " covers 0.2");
    double se = Math.sqrt(1.0 / n * (1 / 100.0 + 64 / 10000.0));
    assertEquals(2 * 1.959964 * se, d.high() - d.low(), 0.15 * 2 * 1.959964 * se);
    assertTrue(u.curvature().pValue() < 1e-10, "shifted distributions: p = " + u.curvature().pValue());
  }

  /** Equal seeds give identical intervals; another seed gives different ones. */
  @Test
  void intervalsRepeatExactlyWithTheSeed() {
    double[] x = {1, 4, 2, 8, 5, 7, 3, 9, 6, 0.5};
    assertEquals(new Bootstrap(500, 0.9, 1).meanInterval(x), new Bootstrap(500, 0.9, 1).meanInterval(x));
    assertTrue(!new Bootstrap(500, 0.9, 1).meanInterval(x).equals(new Bootstrap(500, 0.9, 2).meanInterval(x)));
  }

  private static SampleGeometry sample(int i, double v) {
    return new SampleGeometry(i, 0, 0, 0, v, v, v, v, 0, 0);
  }
}
