package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;

/**
 * Scalar constants for differentiable DJL expressions, in memory that libtorch owns.
 *
 * <p>DJL's PyTorch engine turns a Java number operand ({@code x.mul(0.5)}, {@code minimum(1f)})
 * into a temporary tensor whose storage is a Java direct buffer (libtorch's {@code from_blob}, no
 * copy), and closes it right after the operation. Autograd keeps that tensor for the backward pass
 * (the factor of a product, the bound of a minimum), but nothing keeps the buffer alive: after a
 * garbage collection the backward pass reads freed memory and returns a wrong gradient at random.
 * Every constant that a backward pass needs is therefore made here, as a copy.
 */
public final class Constant {
  private Constant() {}

  /** A 0-d tensor holding {@code value}, with the data type and device of {@code like}. */
  public static NDArray of(NDArray like, double value) {
    try (NDArray javaBacked = like.getManager().create(value)) {
      return javaBacked.toType(like.getDataType(), true);
    }
  }
}
