package io.lcnn.auditor.testmodels;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.SplittableRandom;

/** Uniform random images in [0,1] labelled by a model's own predictions (clean accuracy 1). */
public final class SyntheticData {
  private SyntheticData() {}

  /** {@code n} samples of shape [1, side, side], labelled by {@code oracle}. */
  public static LabeledData labelledBy(GradientOracle oracle, int n, int side, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n * side * side];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble();
    }
    FloatTensor x = new FloatTensor(new long[] {n, 1, side, side}, v);
    int[] labels = oracle.forward(x, new int[n]).predictions();
    return new LabeledData(x, labels, "synthetic");
  }
}
