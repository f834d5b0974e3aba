package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The minimum-norm attacks' bookkeeping of the nearest misclassified point per sample and their
 * final search: bisection on t ∈ [0, 1] for the nearest misclassified point x + t(x̃ − x) on the
 * segment from each clean input x to its found point x̃ (the segment stays in the input range,
 * which is convex). One forward call per bisection step serves the whole batch.
 */
final class SegmentSearch {
  private SegmentSearch() {}

  /**
   * Keeps sample {@code i} of {@code point} as the sample's best when it is nearer to its clean
   * input than the best so far (l2, in double).
   */
  static void keepIfNearer(float[] x0, float[] point, float[] best, double[] bestRadius, int i, int d) {
    double r = L2Ball.distance(point, x0, i * d, d);
    if (r < bestRadius[i]) {
      bestRadius[i] = r;
      System.arraycopy(point, i * d, best, i * d, d);
    }
  }

  /**
   * Moves each sample's best point (finite {@code bestRadius}) towards its clean input along the
   * segment while it stays misclassified, {@code steps} bisection steps ({@code steps} forward calls).
   */
  static void shrink(GradientOracle oracle, FloatTensor x, int[] labels, float[] best, double[] bestRadius, int steps,
      IntConsumer progress) {
    int n = x.batchSize();
    int d = x.sampleSize();
    float[] x0 = x.data();
    double[] lo = new double[n];
    double[] hi = new double[n];
    Arrays.fill(hi, 1.0);
    float[] found = best.clone();
    float[] probe = x0.clone();
    for (int it = 0; it < steps; it++) {
      for (int i = 0; i < n; i++) {
        double t = Double.isFinite(bestRadius[i]) ? 0.5 * (lo[i] + hi[i]) : 0;
        for (int j = i * d; j < (i + 1) * d; j++) {
          probe[j] = (float) (x0[j] + t * ((double) found[j] - x0[j]));
        }
      }
      int[] pred = oracle.forward(new FloatTensor(x.shape(), probe), labels).predictions();
      progress.accept(1);
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(bestRadius[i])) {
          continue;
        }
        double t = 0.5 * (lo[i] + hi[i]);
        if (pred[i] != labels[i]) {
          hi[i] = t;
          keepIfNearer(x0, probe, best, bestRadius, i, d);
        } else {
          lo[i] = t;
        }
      }
    }
  }
}
