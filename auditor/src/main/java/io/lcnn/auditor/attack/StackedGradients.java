package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;

/**
 * Cross-entropy input gradients of one batch of n points for several label sets in one oracle
 * call: the points stacked k times, block b labelled with {@code labelSets[b]}; rows
 * [b·n, (b+1)·n) of the result belong to block b. Differences of these gradients are differences
 * of logit gradients (see {@link TargetedDlr}).
 */
final class StackedGradients {
  private StackedGradients() {}

  static GradientResult of(GradientOracle oracle, FloatTensor points, int[]... labelSets) {
    int n = points.batchSize();
    int d = points.sampleSize();
    int k = labelSets.length;
    int[] labels = new int[k * n];
    float[] stacked = new float[k * n * d];
    for (int b = 0; b < k; b++) {
      System.arraycopy(labelSets[b], 0, labels, b * n, n);
      System.arraycopy(points.data(), 0, stacked, b * n * d, n * d);
    }
    long[] shape = points.shape().clone();
    shape[0] = (long) k * n;
    return oracle.gradient(new FloatTensor(shape, stacked), labels);
  }
}
