package io.lcnn.auditor.oracle;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.GraphPruner;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.SoftmaxTail;
import java.util.List;
import java.util.Optional;

/**
 * For a model whose output is a Softmax over the class axis (directly, or through Identity, Cast,
 * Reshape or Flatten: {@link SoftmaxTail}), the same model cut before that Softmax, so that it
 * outputs the logits z as [N, K] (flattened after the batch axis when the Softmax's input has more
 * axes). Then −log p_y is computed as logsumexp(z) − z_y in double precision instead of from a
 * float32 p_y, which for confident samples (p_y ≈ 1) has lost nearly all the digits a finite
 * difference needs. The loss is the same function of x.
 */
public final class SoftmaxInputView {
  /** Name of the flattened logits output when the Softmax's input is not already [N, K]. */
  static final String FLAT_LOGITS = "lcnn_logits";

  private SoftmaxInputView() {}

  /** The model cut before its final Softmax, or empty when its output is not a last-axis Softmax's. */
  public static Optional<OnnxModelFile> logitsModel(OnnxModelFile model) {
    OnnxMl.GraphProto g = model.proto().getGraph();
    Optional<OnnxMl.NodeProto> softmax = SoftmaxTail.find(g, model.outputName());
    if (softmax.isEmpty() || softmax.get().getInputCount() != 1) {
      return Optional.empty();
    }
    String logits = softmax.get().getInput(0);
    boolean direct = onlyCopies(g, model.outputName());
    OnnxMl.GraphProto.Builder gb = g.toBuilder();
    String out = logits;
    if (!direct) {
      out = FLAT_LOGITS;
      gb.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Flatten").setName(FLAT_LOGITS).addInput(logits).addOutput(out)
          .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT)
              .setI(1)));
    }
    OnnxMl.ValueInfoProto info = g.getOutput(0).toBuilder().setName(out).build();
    OnnxMl.GraphProto cut = GraphPruner.keep(gb.build(), List.of(info), List.of());
    OnnxMl.ModelProto m = model.proto().toBuilder().setGraph(cut).build();
    return Optional.of(OnnxModelFile.parse(model.path(), m.toByteArray()));
  }

  /** Whether the values between the Softmax and the output pass through Identity or Cast only. */
  private static boolean onlyCopies(OnnxMl.GraphProto g, String output) {
    String value = output;
    while (true) {
      OnnxMl.NodeProto p = null;
      for (OnnxMl.NodeProto n : g.getNodeList()) {
        if (n.getOutputList().contains(value)) {
          p = n;
        }
      }
      if (p == null) {
        return false;
      }
      if (p.getOpType().equals("Softmax")) {
        return true;
      }
      if (!p.getOpType().equals("Identity") && !p.getOpType().equals("Cast")) {
        return false;
      }
      value = p.getInput(0);
    }
  }
}
