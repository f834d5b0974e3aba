package io.lcnn.auditor.oracle;

import io.lcnn.auditor.model.OutputKind;
import io.lcnn.datasets.FloatTensor;

/**
 * The per-sample classification loss in double precision, from a model's float32 output rows
 * [B, K]: logsumexp(z) − z_y for logits (cross-entropy of softmax, formed without computing
 * p_y − 1), −log p_y for probabilities. Losses are in nats.
 */
public final class ClassificationLoss {
  /** The smallest probability −log p_y is taken of; an output of exactly 0 gives about 103.3 nats. */
  public static final double MIN_PROBABILITY = Float.MIN_VALUE;

  private final OutputKind kind;

  /** A loss for outputs of the given kind. */
  public ClassificationLoss(OutputKind kind) {
    this.kind = kind;
  }

  /** What the outputs hold. */
  public OutputKind kind() {
    return kind;
  }

  /**
   * The loss of one output row.
   *
   * @param out flat outputs
   * @param offset index of the row's first value
   * @param k classes per row
   * @param label true class, in [0, k)
   */
  public double loss(float[] out, int offset, int k, int label) {
    if (kind == OutputKind.PROBABILITIES) {
      return -Math.log(Math.max(out[offset + label], MIN_PROBABILITY));
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, out[offset + j]);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += Math.exp(out[offset + j] - max);
    }
    return max + Math.log(sum) - out[offset + label];
  }

  /** Per-row losses of outputs [B, K] against B labels. */
  public double[] losses(FloatTensor outputs, int[] labels) {
    int b = outputs.batchSize();
    int k = outputs.sampleSize();
    double[] l = new double[b];
    for (int i = 0; i < b; i++) {
      l[i] = loss(outputs.data(), i * k, k, labels[i]);
    }
    return l;
  }

  /** Per-row losses rounded to float32, as {@link ForwardResult} holds them. */
  public float[] lossesAsFloats(FloatTensor outputs, int[] labels) {
    double[] d = losses(outputs, labels);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
