package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * A forward pass over a batch of B samples.
 *
 * @param loss per-sample loss f(x) in nats, length B
 * @param output model output [B, K] (logits or probabilities, as the model emits)
 */
public record ForwardResult(float[] loss, FloatTensor output) {

  /** Argmax of each output row. */
  public int[] predictions() {
    int b = output.batchSize();
    int k = output.sampleSize();
    int[] p = new int[b];
    for (int i = 0; i < b; i++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (output.data()[i * k + j] > output.data()[i * k + best]) {
          best = j;
        }
      }
      p[i] = best;
    }
    return p;
  }
}
