package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;

/** Softmax cross-entropy from logits [N, K] and integer labels [N]. */
public final class CrossEntropy {
  private CrossEntropy() {}

  /** Per-sample losses [N]: logsumexp(z) − z_y. */
  public static NDArray perSample(NDArray logits, NDArray labels) {
    int k = (int) logits.getShape().get(1);
    NDArray oneHot = labels.oneHot(k).toType(logits.getDataType(), false);
    return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
  }

  /** Mean loss over the batch (a scalar). */
  public static NDArray mean(NDArray logits, NDArray labels) {
    return perSample(logits, labels).mean();
  }

  /** Sum of the losses over the batch (a scalar), whose input gradient is per-sample. */
  public static NDArray sum(NDArray logits, NDArray labels) {
    return perSample(logits, labels).sum();
  }
}
