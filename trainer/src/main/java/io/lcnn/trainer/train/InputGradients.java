package io.lcnn.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.BiFunction;

/**
 * First-order input gradients through a network in state-preserving training mode: each call
 * opens its own gradient collector, so it must run before or after (not inside) a training step's
 * collector. The backward pass computes the input's gradient only: the trainable parameters stop
 * requiring gradients for its duration (libtorch then skips their gradient kernels), so their
 * gradients are left as they were.
 */
public final class InputGradients {
  private InputGradients() {}

  /** ∂loss/∂x (same shape as x, detached) where loss = reduce(logits(x), labels). */
  public static NDArray of(Network net, NDArray x, NDArray labels,
      BiFunction<NDArray, NDArray, NDArray> reduce) {
    NDArray xi = x.stopGradient().duplicate();
    xi.setRequiresGradient(true);
    List<Parameter> params = net.trainableParameters();
    params.forEach(p -> p.getArray().setRequiresGradient(false));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = reduce.apply(net.forwardFrozen(xi), labels);
      gc.backward(loss);
    } finally {
      params.forEach(p -> p.getArray().setRequiresGradient(true));
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
