package io.lcnn.trainer.layers;

/**
 * A layer that keeps running state besides its trainable parameters (power-iteration vectors,
 * running batch statistics). In training mode it advances that state on every forward pass unless
 * state updates are switched off, which extra passes (input gradients, finite differences,
 * attacks) do so that one optimizer step advances the state exactly once.
 */
public interface StatefulLayer {
  /** Whether training-mode forward passes advance the running state (true by default). */
  void setStateUpdates(boolean enabled);
}
