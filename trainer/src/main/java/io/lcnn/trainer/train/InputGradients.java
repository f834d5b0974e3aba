package io.lcnn.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.BiFunction;

/**
 * First-order input gradients through a network in state-preserving training mode: each call
 * opens its own gradient collector, so it must run before (not inside) a training step's
 * collector. It leaves parameter gradients behind: callers zero them ({@link Network#zeroGradients})
 * before the backward pass whose parameter gradients they use.
 */
public final class InputGradients {
  private InputGradients() {}

  /** ∂loss/∂x (same shape as x, detached) where loss = reduce(logits(x), labels). */
  public static NDArray of(Network net, NDArray x, NDArray labels,
      BiFunction<NDArray, NDArray, NDArray> reduce) {
    NDArray xi = x.stopGradient().duplicate();
    xi.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = reduce.apply(net.forwardFrozen(xi), labels);
      gc.backward(loss);
    }
    return xi.getGradient().duplicate();
  }

  /** Per-sample l2 norms [N, 1, …, 1] of a batch tensor, broadcastable against it. */
  public static NDArray perSampleNorm(NDArray t) {
    long n = t.getShape().get(0);
    long[] ones = new long[t.getShape().dimension()];
    java.util.Arrays.fill(ones, 1);
    ones[0] = n;
    return t.reshape(n, -1).square().sum(new int[] {1}).sqrt().reshape(new ai.djl.ndarray.types.Shape(ones));
  }
}
