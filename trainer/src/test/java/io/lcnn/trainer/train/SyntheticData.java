package io.lcnn.trainer.train;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.Random;

/** Small learnable image data for tests: class k lights up a 4×4 patch at a class-specific spot, plus noise. */
final class SyntheticData {
  private SyntheticData() {}

  static LabeledData make(int n, int classes, int channels, int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * channels * size * size];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int k = i % classes;
      y[i] = k;
      int row = 2 + (k / 4) * (size / 4);
      int col = 2 + (k % 4) * (size / 5);
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * size * size;
        for (int p = 0; p < size * size; p++) {
          x[base + p] = (float) (0.3 * r.nextDouble());
        }
        for (int dr = 0; dr < 4; dr++) {
          for (int dc = 0; dc < 4; dc++) {
            x[base + (row + dr) * size + col + dc] = 0.9f;
          }
        }
      }
    }
    return new LabeledData(new FloatTensor(new long[] {n, channels, size, size}, x), y, "synthetic");
  }

  static TrainingData mnistLike(int n) {
    String[] names = new String[10];
    for (int i = 0; i < 10; i++) {
      names[i] = "c" + i;
    }
    return new TrainingData("synthetic", make(n, 10, 1, 28, 1), make(100, 10, 1, 28, 2), names);
  }
}
