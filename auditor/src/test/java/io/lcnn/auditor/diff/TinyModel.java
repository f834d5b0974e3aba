package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Builds tiny single-input ONNX models (opset 17) in float32 or float64 for rule tests. */
final class TinyModel {
  final int dtype;
  private final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny");
  private final Random rnd = new Random(3);
  private int counter;

  TinyModel(int dtype) {
    this.dtype = dtype;
  }

  String node(String op, List<String> inputs, AttributeProto... attrs) {
    return nodes(op, inputs, 1, attrs).get(0);
  }

  List<String> nodes(String op, List<String> inputs, int outputs, AttributeProto... attrs) {
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outs.add("v" + (counter++));
    }
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + counter).addAllInput(inputs)
        .addAllOutput(outs).addAllAttribute(Arrays.asList(attrs)));
    return outs;
  }

  /** A constant of the model's float type. */
  String real(long[] dims, double... values) {
    String name = "c" + (counter++);
    g.addInitializer(Tensors.real(name, dtype, dims, values));
    return name;
  }

  /** A constant of standard-normal values. */
  String random(long... dims) {
    double[] v = new double[Math.toIntExact(io.lcnn.datasets.FloatTensor.numel(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextGaussian() * 0.5;
    }
    return real(dims, v);
  }

  String ints(long... v) {
    String name = "i" + (counter++);
    g.addInitializer(Tensors.int64(name, new long[] {v.length}, v));
    return name;
  }

  /** An int64 constant of any shape. */
  String ints2(long[] dims, long... v) {
    String name = "i" + (counter++);
    g.addInitializer(Tensors.int64(name, dims, v));
    return name;
  }

  /** The model with input x of the given shape and output y. */
  OnnxMl.ModelProto build(long[] xShape, String y) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : xShape) {
      s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    OnnxMl.GraphProto.Builder gb = g.clone();
    gb.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype).setShape(s))));
    gb.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(y).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype))));
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("lcnn-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(gb).build();
  }
}
