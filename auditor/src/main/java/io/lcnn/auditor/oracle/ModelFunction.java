package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * A classifier's forward map, batch in, batch out: inputs [B, ...sample shape] float32 to
 * outputs [B, K] (logits or probabilities). Black-box oracles see a model only through this.
 */
public interface ModelFunction extends AutoCloseable {
  /** The outputs [B, K] of a batch of inputs. */
  FloatTensor outputs(FloatTensor x);

  @Override
  default void close() {}
}
