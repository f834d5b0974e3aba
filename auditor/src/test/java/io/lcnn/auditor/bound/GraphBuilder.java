package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Builds small float32 ONNX classifiers (opset 17, dynamic batch) for the bound tests. */
final class GraphBuilder {
  private final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("bound-test");
  private int counter;

  String node(String op, List<String> inputs, OnnxMl.AttributeProto... attrs) {
    String out = "v" + (counter++);
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + counter).addAllInput(inputs)
        .addOutput(out).addAllAttribute(Arrays.asList(attrs)));
    return out;
  }

  String constant(long[] dims, double... values) {
    String name = "c" + (counter++);
    g.addInitializer(Tensors.real(name, Tensors.FLOAT, dims, values));
    return name;
  }

  OnnxModelFile build(long[] sampleShape, String output) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : sampleShape) {
      s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    OnnxMl.GraphProto.Builder gb = g.clone();
    gb.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(s))));
    gb.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(output).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT))));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("lcnn-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(gb).build();
    return OnnxModelFile.parse(Path.of("bound-test.onnx"), m.toByteArray());
  }
}
