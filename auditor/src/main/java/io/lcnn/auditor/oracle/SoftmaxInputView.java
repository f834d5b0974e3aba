package io.lcnn.auditor.oracle;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.OnnxModelFile;
import java.util.Optional;

/**
 * For a model whose output is a final Softmax over the class axis of a [N, K] output, the same
 * model with that Softmax removed, so that it outputs the logits z. Then −log p_y is computed as
 * logsumexp(z) − z_y in double precision instead of from a float32 p_y, which for confident
 * samples (p_y ≈ 1) has lost nearly all the digits a finite difference needs. The loss is the
 * same function of x.
 */
public final class SoftmaxInputView {
  private SoftmaxInputView() {}

  /** The model without its final Softmax, or empty when it does not end in a last-axis Softmax of a rank-2 output. */
  public static Optional<OnnxModelFile> logitsModel(OnnxModelFile model) {
    OnnxMl.GraphProto g = model.proto().getGraph();
    OnnxMl.ValueInfoProto out = g.getOutput(0);
    if (out.getType().getTensorType().getShape().getDimCount() != 2) {
      return Optional.empty();
    }
    int index = -1;
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getOutputList().contains(model.outputName())) {
        index = i;
      }
    }
    if (index < 0) {
      return Optional.empty();
    }
    OnnxMl.NodeProto softmax = g.getNode(index);
    if (!softmax.getOpType().equals("Softmax") || !softmax.getDomain().isEmpty() || softmax.getInputCount() != 1) {
      return Optional.empty();
    }
    for (OnnxMl.AttributeProto a : softmax.getAttributeList()) {
      if (a.getName().equals("axis") && a.getI() != 1 && a.getI() != -1) {
        return Optional.empty();
      }
    }
    String logits = softmax.getInput(0);
    OnnxMl.GraphProto.Builder gb = g.toBuilder().removeNode(index);
    gb.setOutput(0, out.toBuilder().setName(logits));
    OnnxMl.ModelProto m = model.proto().toBuilder().setGraph(gb).build();
    return Optional.of(OnnxModelFile.parse(model.path(), m.toByteArray()));
  }
}
