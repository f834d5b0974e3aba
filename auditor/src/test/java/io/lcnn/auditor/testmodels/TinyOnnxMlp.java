package io.lcnn.auditor.testmodels;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * Writes a {@link TanhMlp} as an ONNX graph (Sub centre, Flatten, Gemm, Tanh, Gemm; opset 17,
 * dynamic batch), optionally ending in a Softmax, so that ONNX Runtime computes the same function.
 */
public final class TinyOnnxMlp {
  private TinyOnnxMlp() {}

  /** Serialized model with input {@code x} [N, 1, side, side] and output {@code out}. */
  public static byte[] build(TanhMlp m, int side, boolean softmax) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny_mlp");
    g.addInput(valueInfo("x", "N", 1, side, side));
    g.addInitializer(tensor("center", new long[] {}, new float[] {m.center}));
    g.addNode(node("Sub", List.of("x", "center"), "xc"));
    g.addNode(node("Flatten", List.of("xc"), "flat").toBuilder().addAttribute(intAttr("axis", 1)).build());
    String last = "flat";
    if (m.hidden > 0) {
      g.addInitializer(tensor("W1", new long[] {m.hidden, m.in}, m.w1));
      g.addInitializer(tensor("B1", new long[] {m.hidden}, m.b1));
      g.addNode(node("Gemm", List.of("flat", "W1", "B1"), "pre").toBuilder().addAttribute(intAttr("transB", 1)).build());
      g.addNode(node("Tanh", List.of("pre"), "h"));
      last = "h";
    }
    int hw = m.hidden > 0 ? m.hidden : m.in;
    g.addInitializer(tensor("W2", new long[] {m.classes, hw}, m.w2));
    g.addInitializer(tensor("B2", new long[] {m.classes}, m.b2));
    String z = softmax ? "z" : "out";
    g.addNode(node("Gemm", List.of(last, "W2", "B2"), z).toBuilder().addAttribute(intAttr("transB", 1)).build());
    if (softmax) {
      g.addNode(node("Softmax", List.of("z"), "out").toBuilder().addAttribute(intAttr("axis", 1)).build());
    }
    g.addOutput(valueInfo("out", "N", m.classes));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setProducerName("lcnn-tests")
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, String out) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + out).addAllInput(in).addOutput(out).build();
  }

  private static OnnxMl.AttributeProto intAttr(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static OnnxMl.TensorProto tensor(String name, long[] dims, float[] v) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float f : v) {
      t.addFloatData(f);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, String batch, long... dims) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (long d : dims) {
      s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
            OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s)))
        .build();
  }
}
