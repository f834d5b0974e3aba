package io.lcnn.datasets;

import java.util.Random;

/**
 * Learnable 28×28 single-channel images in [0, 1] for benchmarks and tests that need a trained
 * model but no dataset on disk: noise in [0, 0.4) plus a bright 16-pixel bar whose row encodes the
 * class (10 classes, sample i has class i mod 10).
 */
public final class SyntheticImages {
  private SyntheticImages() {}

  /** {@code n} samples [n, 1, 28, 28] with labels, reproducible from {@code seed}. */
  public static LabeledData make(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 28 * 28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
      for (int p = 0; p < 784; p++) {
        x[i * 784 + p] = r.nextFloat() * 0.4f;
      }
      for (int p = 0; p < 16; p++) {
        x[i * 784 + (3 + 2 * y[i]) * 28 + 4 + p] = 1f;
      }
    }
    return new LabeledData(new FloatTensor(new long[] {n, 1, 28, 28}, x), y, "synthetic");
  }
}
