package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * Unwraps a model whose input carries extra leading axes of size 1 in front of the batch axis
 * ([1, N, C, H, W] or [1, N, D], as some exporters write a batch wrapped in another axis) for
 * inputs given as [N, C, H, W] or [N, D]: the new model's input (same name) drops those axes and
 * an Unsqueeze in front of the graph puts them back; when the classifier output carries the same
 * leading axes ([1, N, K]), a Squeeze behind the graph drops them. The function computed per
 * sample is unchanged, and the graph runs any batch the wrapped one ran (a fixed N stays fixed).
 */
public final class LeadingAxes {
  private static final String WRAPPED_INPUT = "lcnn_wrapped_input";
  private static final String WRAPPED_OUTPUT = "lcnn_wrapped_output";

  /**
   * The outcome.
   *
   * @param model the model to audit (unwrapped, or the given one)
   * @param note what was done, for a notice and audit.json; null when nothing was
   */
  public record Result(OnnxModelFile model, String note) {}

  private LeadingAxes() {}

  /**
   * Unwraps {@code model} when its input has {@code k} = (its rank − {@code inputRank}) &gt; 0
   * leading axes, all declared 1; otherwise returns it as it is.
   *
   * @param inputRank rank of the inputs given to the audit, batch axis included
   */
  public static Result unwrap(OnnxModelFile model, int inputRank) {
    List<Object> shape = model.inputShape();
    int k = shape.size() - inputRank;
    if (shape.isEmpty() || k <= 0 || inputRank < 2) {
      return new Result(model, null);
    }
    for (int i = 0; i < k; i++) {
      if (!Long.valueOf(1).equals(shape.get(i))) {
        return new Result(model, null);
      }
    }
    OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
    String input = model.inputName();
    String output = model.outputName();
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      if (o.getName().equals(input)) {
        throw new ModelLoadException(model.path() + ": the input " + input + " is also a graph output; cannot unwrap its "
            + "leading axes");
      }
    }
    ValueRenaming.renameReads(g, input, WRAPPED_INPUT);
    long opset = model.opset();
    List<OnnxMl.NodeProto> nodes = new java.util.ArrayList<>(g.getNodeList());
    g.clearNode();
    g.addNode(axesNode(g, "Unsqueeze", input, WRAPPED_INPUT, k, opset));
    g.addAllNode(nodes);
    for (OnnxMl.ValueInfoProto.Builder vi : g.getInputBuilderList()) {
      if (vi.getName().equals(input)) {
        dropLeading(vi, k);
      }
    }
    boolean squeezed = false;
    for (OnnxMl.ValueInfoProto.Builder vi : g.getOutputBuilderList()) {
      if (vi.getName().equals(output) && hasLeadingOnes(vi, k, k + 2)) {
        for (OnnxMl.NodeProto.Builder n : g.getNodeBuilderList()) {
          for (int i = 0; i < n.getOutputCount(); i++) {
            if (n.getOutput(i).equals(output)) {
              n.setOutput(i, WRAPPED_OUTPUT);
            }
          }
        }
        ValueRenaming.renameReads(g, output, WRAPPED_OUTPUT);
        g.addNode(axesNode(g, "Squeeze", WRAPPED_OUTPUT, output, k, opset));
        dropLeading(vi, k);
        squeezed = true;
      }
    }
    String note = "input '" + input + "' " + shape + " has " + k + " leading ax" + (k == 1 ? "is" : "es")
        + " of size 1 in front of the batch: audited as " + shape.subList(k, shape.size())
        + " with an Unsqueeze in front of the graph" + (squeezed ? " and a Squeeze behind its output '" + output + "'" : "");
    return new Result(model.withGraph(model.proto().toBuilder().setGraph(g).build()), note);
  }

  private static boolean hasLeadingOnes(OnnxMl.ValueInfoProto.Builder vi, int k, int rank) {
    var t = vi.getType().getTensorType();
    if (!t.hasShape() || t.getShape().getDimCount() != rank) {
      return false;
    }
    for (int i = 0; i < k; i++) {
      var d = t.getShape().getDim(i);
      if (!d.hasDimValue() || d.getDimValue() != 1) {
        return false;
      }
    }
    return true;
  }

  private static void dropLeading(OnnxMl.ValueInfoProto.Builder vi, int k) {
    OnnxMl.TensorShapeProto.Builder s = vi.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    List<OnnxMl.TensorShapeProto.Dimension> dims = List.copyOf(s.getDimList());
    s.clearDim().addAllDim(dims.subList(k, dims.size()));
  }

  /** Unsqueeze or Squeeze over axes 0..k-1, in the form of the model's opset (axes as an input from 13). */
  private static OnnxMl.NodeProto axesNode(OnnxMl.GraphProto.Builder g, String op, String in, String out, int k, long opset) {
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName("lcnn_" + op.toLowerCase(java.util.Locale.ROOT) + "_leading")
        .addInput(in).addOutput(out);
    if (opset >= 13) {
      String axes = "lcnn_" + op.toLowerCase(java.util.Locale.ROOT) + "_leading_axes";
      OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(axes).addDims(k)
          .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE);
      for (long a = 0; a < k; a++) {
        t.addInt64Data(a);
      }
      g.addInitializer(t);
      n.addInput(axes);
    } else {
      OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName("axes")
          .setType(OnnxMl.AttributeProto.AttributeType.INTS);
      for (long i = 0; i < k; i++) {
        a.addInts(i);
      }
      n.addAttribute(a);
    }
    return n.build();
  }
}
