package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * Per-sample input gradients of the loss, ∇ₓf(x), for a batch. Implementations: the exact
 * differentiated ONNX graph, or finite differences of forward passes.
 */
public interface GradientOracle extends LossOracle {
  /**
   * @param x inputs [B, ...input shape]
   * @param labels true classes, length B
   * @return loss, output and ∂f/∂x (same shape as x)
   */
  GradientResult gradient(FloatTensor x, int[] labels);

  /** A short name of how gradients are computed: {@code "exact"} or {@code "finite-difference"}. */
  String mode();
}
