package io.lcnn.cli;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the torch-reference classifiers into the layouts other exporters write (several
 * outputs, ZipMap, fixed batch, NHWC, flat inputs) without changing the function they compute, so
 * that their audits can be checked against the same float64 PyTorch references.
 */
final class FixtureVariants {
  static final Path REF = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference");

  private FixtureVariants() {}

  static OnnxMl.ModelProto read(String fixture) throws IOException {
    return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(REF.resolve(fixture).resolve("model.onnx")));
  }

  static Path write(OnnxMl.ModelProto m, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("model.onnx");
    Files.write(file, m.toByteArray());
    return file;
  }

  /** scikit-learn layout: an int64 {@code label} (ArgMax) first, then {@code probabilities} = Identity(softmax). */
  static OnnxMl.ModelProto labelThenProbabilities(OnnxMl.ModelProto m) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    String probs = g.getOutput(0).getName();
    g.addNode(node("ArgMax", List.of(probs), "label", attr("axis", 1), attr("keepdims", 0)));
    g.addNode(node("Identity", List.of(probs), "probabilities"));
    g.clearOutput().addOutput(tensor("label", OnnxMl.TensorProto.DataType.INT64_VALUE, 1))
        .addOutput(tensor("probabilities", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 2));
    return m.toBuilder().setGraph(g).build();
  }

  /** skl2onnx's ZipMap layout: {@code output_label} then {@code output_probability}, a ZipMap of the probabilities. */
  static OnnxMl.ModelProto labelThenZipMap(OnnxMl.ModelProto m) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    String probs = g.getOutput(0).getName();
    g.addNode(node("ArgMax", List.of(probs), "output_label", attr("axis", 1), attr("keepdims", 0)));
    g.addNode(node("Identity", List.of(probs), "probabilities"));
    OnnxMl.NodeProto.Builder zip = node("ZipMap", List.of("probabilities"), "output_probability").toBuilder()
        .setDomain("ai.onnx.ml");
    OnnxMl.AttributeProto.Builder labels = OnnxMl.AttributeProto.newBuilder().setName("classlabels_int64s")
        .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long k = 0; k < 10; k++) {
      labels.addInts(k);
    }
    g.addNode(zip.addAttribute(labels));
    OnnxMl.TypeProto map = OnnxMl.TypeProto.newBuilder().setMapType(OnnxMl.TypeProto.Map.newBuilder()
        .setKeyType(OnnxMl.TensorProto.DataType.INT64_VALUE).setValueType(OnnxMl.TypeProto.newBuilder()
            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE))))
        .build();
    g.clearOutput().addOutput(tensor("output_label", OnnxMl.TensorProto.DataType.INT64_VALUE, 1))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("output_probability").setType(OnnxMl.TypeProto.newBuilder()
            .setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder().setElemType(map))));
    return m.toBuilder().setGraph(g)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(1)).build();
  }

  /** Batch fixed at 1 in the input and output, and the Flatten before the classifier a Reshape to [1, C]. */
  static OnnxMl.ModelProto fixedBatchOfOne(OnnxMl.ModelProto m, long channels) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    OnnxMl.TensorShapeProto.Dimension one = OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1).build();
    g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, one);
    g.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, one);
    List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Flatten")) {
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").setName(n.getName()).addInput(n.getInput(0))
            .addInput("fixed_target").addOutput(n.getOutput(0)).build());
      } else {
        nodes.add(n);
      }
    }
    g.clearNode().addAllNode(nodes);
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("fixed_target").addDims(2)
        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(1).addInt64Data(channels));
    return m.toBuilder().setGraph(g).build();
  }

  /**
   * Batch fixed at 1, and the first Flatten written as Reshape to [D] then Unsqueeze at axis 0, a
   * form that no other batch size can run (so the batch axis cannot be made dynamic).
   */
  static OnnxMl.ModelProto unrelaxableBatchOfOne(OnnxMl.ModelProto m, long d) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    OnnxMl.TensorShapeProto.Dimension one = OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1).build();
    g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, one);
    List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    boolean done = false;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Flatten") && !done) {
        nodes.add(node("Reshape", List.of(n.getInput(0), "flat_target"), "flat_vector"));
        nodes.add(node("Unsqueeze", List.of("flat_vector", "zero_axis"), n.getOutput(0)));
        done = true;
      } else {
        nodes.add(n);
      }
    }
    g.clearNode().addAllNode(nodes);
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("flat_target").addDims(1)
        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(d));
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("zero_axis").addDims(1)
        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(0));
    return m.toBuilder().setGraph(g).build();
  }

  /** TensorFlow layout: input {@code image} [N, H, W, C], transposed to the model's NCHW input in the graph. */
  static OnnxMl.ModelProto nhwc(OnnxMl.ModelProto m) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    OnnxMl.ValueInfoProto.Builder in = g.getInputBuilder(0);
    String nchw = in.getName();
    var dims = in.getType().getTensorType().getShape().getDimList();
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder().addDim(dims.get(0)).addDim(dims.get(2))
        .addDim(dims.get(3)).addDim(dims.get(1));
    in.setName("image").getTypeBuilder().getTensorTypeBuilder().setShape(s);
    OnnxMl.AttributeProto perm = OnnxMl.AttributeProto.newBuilder().setName("perm")
        .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(0).addInts(3).addInts(1).addInts(2).build();
    List<OnnxMl.NodeProto> nodes = new ArrayList<>(g.getNodeList());
    nodes.add(0, node("Transpose", List.of("image"), nchw, perm));
    g.clearNode().addAllNode(nodes);
    return m.toBuilder().setGraph(g).build();
  }

  /**
   * A batch wrapped in an extra leading axis, as some exporters write it: input {@code wrapped}
   * [1, N, ...] read through Gather(index 0) into the model's input, and the output
   * {@code wrapped_scores} [1, N, K], an Unsqueeze of the model's output (opset 13 or later).
   */
  static OnnxMl.ModelProto leadingAxis(OnnxMl.ModelProto m) {
    return leadingAxis(m, true);
  }

  /** As {@link #leadingAxis(OnnxMl.ModelProto)}, the output left [N, K] unless {@code wrapOutput}. */
  static OnnxMl.ModelProto leadingAxis(OnnxMl.ModelProto m, boolean wrapOutput) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    String inner = g.getInput(0).getName();
    String scores = g.getOutput(0).getName();
    wrapInLeadingOne(g.getInputBuilder(0), "wrapped");
    List<OnnxMl.NodeProto> nodes = new ArrayList<>(g.getNodeList());
    nodes.add(0, node("Gather", List.of("wrapped", "first_index"), inner, attr("axis", 0)));
    if (wrapOutput) {
      wrapInLeadingOne(g.getOutputBuilder(0), "wrapped_scores");
      nodes.add(node("Unsqueeze", List.of(scores, "zero_axis"), "wrapped_scores"));
    }
    g.clearNode().addAllNode(nodes);
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("first_index")
        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(0));
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("zero_axis").addDims(1)
        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(0));
    return m.toBuilder().setGraph(g).build();
  }

  /** Renames the value and puts an axis of size 1 in front of its declared shape. */
  private static void wrapInLeadingOne(OnnxMl.ValueInfoProto.Builder v, String name) {
    OnnxMl.TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    List<OnnxMl.TensorShapeProto.Dimension> dims = new ArrayList<>(s.getDimList());
    dims.add(0, OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1).build());
    s.clearDim().addAllDim(dims);
    v.setName(name);
  }

  /** Input declared flat [N, D] (the model's first op flattens it anyway). */
  static OnnxMl.ModelProto flatInput(OnnxMl.ModelProto m, long d) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    OnnxMl.TensorShapeProto.Builder s = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    OnnxMl.TensorShapeProto.Dimension batch = s.getDim(0);
    s.clearDim().addDim(batch).addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    return m.toBuilder().setGraph(g).build();
  }

  static OnnxMl.NodeProto node(String op, List<String> inputs, String output, OnnxMl.AttributeProto... attrs) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output + "_node").addAllInput(inputs).addOutput(output)
        .addAllAttribute(List.of(attrs)).build();
  }

  static OnnxMl.AttributeProto attr(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static OnnxMl.ValueInfoProto tensor(String name, int dtype, int rank) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    if (rank == 2) {
      s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(10));
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype).setShape(s))).build();
  }
}
