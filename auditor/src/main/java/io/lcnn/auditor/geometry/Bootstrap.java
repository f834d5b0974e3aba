package io.lcnn.auditor.geometry;

import io.lcnn.auditor.result.DiscrepancyUncertainty;
import io.lcnn.auditor.result.DiscrepancyUncertainty.Interval;
import io.lcnn.auditor.result.DiscrepancyUncertainty.QuantityUncertainty;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.Stats;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Percentile-bootstrap intervals of split means and of the train–test discrepancy, and the
 * Mann–Whitney U test (commons-math), for {@link DiscrepancyUncertainty}. Each replicate draws the
 * test and the training samples with replacement (the same draw for all three quantities); an
 * interval at level 1 − α is the α/2 and 1 − α/2 quantiles of the replicates (linear
 * interpolation, {@link Stats#quantile}).
 */
public final class Bootstrap {
  /** Default resamples. */
  public static final int DEFAULT_RESAMPLES = 2000;

  /** Default confidence level. */
  public static final double DEFAULT_LEVEL = 0.95;

  private final int resamples;
  private final double level;
  private final long seed;

  /** A bootstrap with the given resamples (≥ 1), level in (0, 1) and seed. */
  public Bootstrap(int resamples, double level, long seed) {
    if (resamples < 1 || !(level > 0 && level < 1)) {
      throw new IllegalArgumentException("bootstrap needs resamples ≥ 1 and a level in (0, 1)");
    }
    this.resamples = resamples;
    this.level = level;
    this.seed = seed;
  }

  /** The percentile interval of the mean of {@code values}. */
  public Interval meanInterval(double[] values) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] reps = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      reps[b] = mean(values, draw(rng, values.length));
    }
    return interval(reps);
  }

  /** Intervals and tests of the three quantities of a test and a training split. */
  public DiscrepancyUncertainty discrepancy(List<SampleGeometry> test, List<SampleGeometry> train) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] testDraws = new int[resamples][];
    int[][] trainDraws = new int[resamples][];
    for (int b = 0; b < resamples; b++) {
      testDraws[b] = draw(rng, test.size());
      trainDraws[b] = draw(rng, train.size());
    }
    return new DiscrepancyUncertainty(resamples, level, seed, "percentile bootstrap",
        "Mann-Whitney U, two-sided, normal approximation",
        quantity(test, train, SampleGeometry::gradNorm, testDraws, trainDraws),
        quantity(test, train, SampleGeometry::hessianSpectralNorm, testDraws, trainDraws),
        quantity(test, train, SampleGeometry::curvature, testDraws, trainDraws));
  }

  private QuantityUncertainty quantity(List<SampleGeometry> test, List<SampleGeometry> train,
      ToDoubleFunction<SampleGeometry> f, int[][] testDraws, int[][] trainDraws) {
    double[] a = test.stream().mapToDouble(f).toArray();
    double[] b = train.stream().mapToDouble(f).toArray();
    double[] ma = new double[resamples];
    double[] mb = new double[resamples];
    double[] dd = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      ma[r] = mean(a, testDraws[r]);
      mb[r] = mean(b, trainDraws[r]);
      dd[r] = SplitStatistics.relative(ma[r], mb[r]);
    }
    MannWhitneyUTest mw = new MannWhitneyUTest();
    return new QuantityUncertainty(interval(ma), interval(mb), interval(dd), mw.mannWhitneyU(a, b),
        mw.mannWhitneyUTest(a, b));
  }

  private Interval interval(double[] replicates) {
    double[] s = replicates.clone();
    Arrays.sort(s);
    double alpha = 1 - level;
    return new Interval(Stats.quantile(s, alpha / 2), Stats.quantile(s, 1 - alpha / 2));
  }

  private static int[] draw(SplittableRandom rng, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = rng.nextInt(n);
    }
    return idx;
  }

  private static double mean(double[] v, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += v[i];
    }
    return s / idx.length;
  }
}
