package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * Evaluates the per-sample classification loss f(x) = CE(model(x), y) (or −log p_y for a model
 * that outputs probabilities) on a batch, in one runtime call.
 */
public interface LossOracle extends AutoCloseable {
  /**
   * @param x inputs [B, ...input shape]
   * @param labels true classes, length B
   */
  ForwardResult forward(FloatTensor x, int[] labels);

  @Override
  default void close() {}
}
