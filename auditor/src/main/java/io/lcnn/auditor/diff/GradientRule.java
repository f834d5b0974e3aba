package io.lcnn.auditor.diff;

/**
 * The reverse-mode rule of one ONNX op type: given the adjoints of a node's outputs, it emits the
 * nodes that compute the adjoints of the node's inputs that need one. Rules only emit ops that
 * have rules themselves, so a differentiated graph can be differentiated again.
 */
public interface GradientRule {
  /** Emits the adjoint nodes of {@code step.node()}, adding to the adjoints of its active inputs. */
  void backward(BackwardStep step);

  /**
   * Why this rule cannot differentiate this node (e.g. an attribute form it does not cover), or
   * null when it can.
   */
  default String refusal(BackwardStep step) {
    return null;
  }
}
