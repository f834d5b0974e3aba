package io.lcnn.benchmarks;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends a hand-written backward pass to an ONNX classifier that is a plain chain of Flatten,
 * Gemm (transB = 1), Mul/Div by a constant and Softplus (such as the fixture
 * {@code torch-reference/mlp_softplus}): the new model takes the image input and a one-hot
 * float input {@code onehot} [B, K] and also outputs {@code input_grad}, the input gradient of
 * the cross-entropy of softmax(logits), shaped like the input. It gives the benchmarks a real
 * ONNX Runtime gradient oracle before the general differentiator is available; it is not that
 * differentiator.
 */
public final class ChainGradientGraph {
  /** Name of the one-hot label input. */
  public static final String ONEHOT = "onehot";
  /** Name of the input-gradient output. */
  public static final String GRADIENT = "input_grad";

  private ChainGradientGraph() {}

  /** The model with the backward nodes added; refuses graphs that are not such a chain. */
  public static OnnxMl.ModelProto build(OnnxMl.ModelProto model, String inputName, String logitsName) {
    OnnxMl.GraphProto g = model.getGraph();
    List<OnnxMl.NodeProto> chain = new ArrayList<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (!n.getOpType().equals("Constant")) {
        chain.add(n);
      }
    }
    OnnxMl.GraphProto.Builder out = g.toBuilder();
    int classes = -1;
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      String last = chain.get(chain.size() - 1).getInput(1);
      if (t.getName().equals(last)) {
        classes = (int) t.getDims(0);
      }
    }
    out.addInput(OnnxMl.ValueInfoProto.newBuilder().setName(ONEHOT).setType(floatType(-1, classes)));
    out.addNode(node("Softmax", List.of(logitsName), "bw_p", "axis", 1));
    out.addNode(node("Sub", List.of("bw_p", ONEHOT), "bw_d" + chain.size(), null, 0));
    for (int i = chain.size() - 1; i >= 0; i--) {
      OnnxMl.NodeProto n = chain.get(i);
      String dOut = "bw_d" + (i + 1);
      String dIn = i == 0 ? GRADIENT : "bw_d" + i;
      String in = n.getInput(0);
      switch (n.getOpType()) {
        case "Gemm" -> {
          for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("transB") && a.getI() != 1 || a.getName().equals("transA") && a.getI() != 0) {
              throw new IllegalArgumentException("Gemm " + n.getName() + ": only transA=0, transB=1 is supported");
            }
          }
          out.addNode(node("MatMul", List.of(dOut, n.getInput(1)), dIn, null, 0));
        }
        case "Mul" -> out.addNode(node("Mul", List.of(dOut, n.getInput(1)), dIn, null, 0));
        case "Div" -> out.addNode(node("Div", List.of(dOut, n.getInput(1)), dIn, null, 0));
        case "Softplus" -> {
          out.addNode(node("Sigmoid", List.of(in), "bw_s" + i, null, 0));
          out.addNode(node("Mul", List.of(dOut, "bw_s" + i), dIn, null, 0));
        }
        case "Flatten" -> {
          out.addNode(node("Shape", List.of(in), "bw_shape" + i, null, 0));
          out.addNode(node("Reshape", List.of(dOut, "bw_shape" + i), dIn, null, 0));
        }
        default -> throw new IllegalArgumentException("op " + n.getOpType() + " (" + n.getName() + ") is not part of a plain softplus chain");
      }
      if (i == 0 && !in.equals(inputName)) {
        throw new IllegalArgumentException("the chain does not start at the input " + inputName);
      }
    }
    out.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(GRADIENT)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
    return model.toBuilder().setGraph(out).build();
  }

  private static OnnxMl.TypeProto floatType(long... dims) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)).build();
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, String out, String intAttr, long value) {
    OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out + "_" + op).addAllInput(in).addOutput(out);
    if (intAttr != null) {
      b.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(intAttr).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value));
    }
    return b.build();
  }
}
