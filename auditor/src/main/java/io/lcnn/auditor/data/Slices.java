package io.lcnn.auditor.data;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.Arrays;
import java.util.List;

/** Cutting splits into sample ranges and joining per-range arrays back along the batch axis. */
public final class Slices {
  private Slices() {}

  /** Samples {@code [from, to)} of {@code data}, same source. */
  public static LabeledData range(LabeledData data, int from, int to) {
    return new LabeledData(data.inputs().slice(from, to), Arrays.copyOfRange(data.labels(), from, to), data.source());
  }

  /** Tensors of equal sample shape joined along axis 0, in order. */
  public static FloatTensor concat(List<FloatTensor> parts) {
    int total = 0;
    for (FloatTensor p : parts) {
      total += p.data().length;
    }
    float[] all = new float[total];
    int at = 0;
    long rows = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data(), 0, all, at, p.data().length);
      at += p.data().length;
      rows += p.batchSize();
    }
    long[] shape = parts.get(0).shape().clone();
    shape[0] = rows;
    return new FloatTensor(shape, all);
  }
}
