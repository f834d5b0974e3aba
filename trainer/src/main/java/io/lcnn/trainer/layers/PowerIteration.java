package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;

/** Small helpers shared by the spectrally normalized layers. */
final class PowerIteration {
  /** Added to norms before dividing, as in Miyato et al.'s code. */
  static final double EPS = 1e-12;

  private PowerIteration() {}

  /** {@code a / (‖a‖₂ + EPS)} over all elements. */
  static NDArray normalize(NDArray a) {
    return a.div(a.norm().add(EPS));
  }

  /** Replaces the contents of a persistent state array with {@code value} (same shape). */
  static void store(NDArray state, NDArray value) {
    state.intern(value.stopGradient().duplicate());
  }
}
