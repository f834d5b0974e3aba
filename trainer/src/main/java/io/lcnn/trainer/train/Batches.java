package io.lcnn.trainer.train;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.Random;

/**
 * Shuffled mini-batches of a training split, optionally augmented with a random crop (zero
 * padding 4) and a random horizontal flip per sample, as the paper's CIFAR recipe does.
 */
public final class Batches {
  private final LabeledData data;
  private final int batchSize;
  private final boolean augment;
  private final Random random;

  /** Batches of {@code data} with the given size; {@code seed} fixes shuffling and augmentation. */
  public Batches(LabeledData data, int batchSize, boolean augment, long seed) {
    this.data = data;
    this.batchSize = batchSize;
    this.augment = augment;
    this.random = new Random(seed);
  }

  /** A new random order of sample indices for one epoch. */
  public int[] shuffledOrder() {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Number of full batches per epoch (a trailing partial batch is dropped). */
  public int batchesPerEpoch() {
    return Math.max(1, data.size() / batchSize);
  }

  /** Inputs of batch {@code b} in the given order, augmented if configured. */
  public FloatTensor inputs(int[] order, int b) {
    FloatTensor x = data.inputs().select(indices(order, b));
    return augment ? cropAndFlip(x) : x;
  }

  /** Labels of batch {@code b} in the given order. */
  public long[] labels(int[] order, int b) {
    int[] idx = indices(order, b);
    long[] y = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      y[i] = data.labels()[idx[i]];
    }
    return y;
  }

  private int[] indices(int[] order, int b) {
    int from = b * batchSize;
    int to = Math.min(order.length, from + batchSize);
    return java.util.Arrays.copyOfRange(order, from, to);
  }

  private FloatTensor cropAndFlip(FloatTensor x) {
    long[] s = x.shape();
    int n = (int) s[0];
    int c = (int) s[1];
    int h = (int) s[2];
    int w = (int) s[3];
    float[] out = new float[x.data().length];
    for (int i = 0; i < n; i++) {
      int dy = random.nextInt(9) - 4;
      int dx = random.nextInt(9) - 4;
      boolean flip = random.nextBoolean();
      for (int ch = 0; ch < c; ch++) {
        int base = (i * c + ch) * h * w;
        for (int r = 0; r < h; r++) {
          int sr = r + dy;
          for (int col = 0; col < w; col++) {
            int sc = (flip ? w - 1 - col : col) + dx;
            out[base + r * w + col] = (sr < 0 || sr >= h || sc < 0 || sc >= w) ? 0f : x.data()[base + sr * w + sc];
          }
        }
      }
    }
    return new FloatTensor(s.clone(), out);
  }
}
