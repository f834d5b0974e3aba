package io.lcnn.exporter;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates ONNX nodes and float32 initializers with unique names, and assembles them into a
 * GraphProto with one NCHW input and one [N, classes] output, the batch dimension symbolic.
 */
final class GraphBuilder {
  private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
  private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
  private int counter;

  /** A fresh value name with the given prefix. */
  String fresh(String prefix) {
    return prefix + "_" + (counter++);
  }

  /** Adds a float32 initializer of the given shape; returns its name. */
  String constant(String prefix, float[] values, long... shape) {
    String name = fresh(prefix);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
    for (long d : shape) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    initializers.add(t.build());
    return name;
  }

  /** Adds a one-dimensional int64 initializer; returns its name. */
  String longConstant(String prefix, long... values) {
    String name = fresh(prefix);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    initializers.add(t.build());
    return name;
  }

  /** Adds a node with one output; returns the output name. */
  String node(String op, List<String> inputs, OnnxMl.AttributeProto... attributes) {
    String out = fresh(op.toLowerCase());
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out + "_node")
        .addAllInput(inputs).addOutput(out);
    for (OnnxMl.AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    nodes.add(n.build());
    return out;
  }

  /** An INTS attribute. */
  static OnnxMl.AttributeProto ints(String name, long... values) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** An INT attribute. */
  static OnnxMl.AttributeProto integer(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, long[] dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
  }

  /** The graph from input {@code in} (sample shape {@code inShape}) to output {@code out} ([N, classes]). */
  OnnxMl.GraphProto build(String graphName, String in, long[] inShape, String out, String outName, long classes) {
    nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(outName + "_node")
        .addInput(out).addOutput(outName).build());
    return OnnxMl.GraphProto.newBuilder().setName(graphName).addAllNode(nodes).addAllInitializer(initializers)
        .addInput(valueInfo(in, inShape)).addOutput(valueInfo(outName, new long[] {classes})).build();
  }
}
