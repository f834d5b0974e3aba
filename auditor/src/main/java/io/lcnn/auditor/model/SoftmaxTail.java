package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the Softmax that produces a classifier's probability output, looking back from the output
 * through ops that only copy, re-type or re-shape values (Identity, Cast, Reshape, Flatten,
 * Squeeze, Unsqueeze, Dropout). The Softmax counts when it is a default-domain Softmax over its
 * input's last axis (the class axis).
 */
public final class SoftmaxTail {
  /** Ops that pass their first input's values through unchanged (up to type and shape). */
  public static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast", "Reshape", "Flatten", "Squeeze",
      "Unsqueeze", "Dropout");

  private SoftmaxTail() {}

  /** The Softmax node whose values reach {@code output} unchanged, or empty when there is none. */
  public static Optional<OnnxMl.NodeProto> find(OnnxMl.GraphProto g, String output) {
    String value = output;
    for (int guard = 0; guard <= g.getNodeCount(); guard++) {
      OnnxMl.NodeProto producer = producer(g, value);
      if (producer == null || !isDefaultDomain(producer)) {
        return Optional.empty();
      }
      if (producer.getOpType().equals("Softmax")) {
        return lastAxis(producer) ? Optional.of(producer) : Optional.empty();
      }
      if (!PASS_THROUGH.contains(producer.getOpType()) || producer.getInputCount() == 0) {
        return Optional.empty();
      }
      value = producer.getInput(0);
    }
    return Optional.empty();
  }

  /** The node that writes {@code value}, or null when it is a graph input or initializer. */
  static OnnxMl.NodeProto producer(OnnxMl.GraphProto g, String value) {
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOutputList().contains(value)) {
        return n;
      }
    }
    return null;
  }

  private static boolean isDefaultDomain(OnnxMl.NodeProto n) {
    return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
  }

  /**
   * Whether the Softmax normalizes the last axis: axis −1, or axis 1 (the default before opset 13,
   * and the last axis of the [N, K] inputs classifiers feed it; a rank-2 check is left to the caller).
   */
  private static boolean lastAxis(OnnxMl.NodeProto softmax) {
    for (OnnxMl.AttributeProto a : softmax.getAttributeList()) {
      if (a.getName().equals("axis")) {
        return a.getI() == -1 || a.getI() == 1;
      }
    }
    return true;
  }
}
