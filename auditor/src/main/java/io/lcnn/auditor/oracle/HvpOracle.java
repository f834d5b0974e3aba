package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * Hessian-vector products of the per-sample loss with respect to the input: for each sample i
 * of the batch, H(x_i)·v_i with its own direction v_i, in one runtime call.
 */
public interface HvpOracle extends AutoCloseable {
  /**
   * @param x inputs [B, ...input shape]
   * @param labels true classes, length B
   * @param v directions, same shape as x
   * @return ∇²f(x_i)·v_i per sample, same shape as x
   */
  FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v);

  /** A short name of how products are computed: {@code "exact"} or {@code "finite-difference"}. */
  String mode();

  @Override
  default void close() {}
}
