package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * A forward pass with input gradients over a batch of B samples.
 *
 * @param loss per-sample loss f(x), length B
 * @param output model output [B, K]
 * @param gradient ∂f/∂x per sample, same shape as the input batch
 */
public record GradientResult(float[] loss, FloatTensor output, FloatTensor gradient) {

  /** The forward part. */
  public ForwardResult forward() {
    return new ForwardResult(loss, output);
  }
}
