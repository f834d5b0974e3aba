package io.lcnn.auditor.hybrid;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.GraphPruner;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.UniformSamples;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classifier graph cut at one node U: U's inputs a (the ones that depend on the model input x)
 * and U's used outputs o. It writes four graphs: the model with a and o as extra outputs
 * ({@link #probed()}); the rest, a function of the packed input z = [flat x, flat o] per sample
 * whose output is the classifier's ({@link #rest()}); the prefix x → packed a ({@link #prefix()});
 * and U alone, with a batch axis ({@link #node()}). Then the loss gradient is
 * ∂rest/∂x + J_prefixᵀ J_Uᵀ ∂rest/∂o.
 */
final class CutGraphs {
  private final OnnxModelFile model;
  private final OnnxMl.NodeProto cut;
  private final List<String> activeInputs = new ArrayList<>();
  private final List<String> usedOutputs = new ArrayList<>();
  private final Map<String, long[]> sampleShapes = new LinkedHashMap<>();

  /**
   * @param model the classifier (single output)
   * @param cut the node to cut at
   * @param runtime used once to learn the sample shapes of a and o
   * @throws IllegalArgumentException when the node's constant inputs are computed in the graph,
   *     or its values are not float32
   */
  CutGraphs(OnnxModelFile model, OnnxMl.NodeProto cut, OrtRuntime runtime) throws OrtException {
    this.model = model;
    this.cut = cut;
    OnnxMl.GraphProto g = model.proto().getGraph();
    Set<String> dependsOnX = new HashSet<>(Set.of(model.inputName()));
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getInputList().stream().anyMatch(dependsOnX::contains)) {
        dependsOnX.addAll(n.getOutputList());
      }
    }
    Map<String, OnnxMl.TensorProto> constants = constants(g);
    for (String in : cut.getInputList()) {
      if (in.isEmpty()) {
        continue;
      }
      if (dependsOnX.contains(in)) {
        if (!activeInputs.contains(in)) {
          activeInputs.add(in);
        }
      } else if (!constants.containsKey(in)) {
        throw new IllegalArgumentException("input '" + in + "' of node '" + cut.getName()
            + "' is computed in the graph but does not depend on the model input");
      }
    }
    Set<String> read = new HashSet<>();
    g.getNodeList().forEach(n -> read.addAll(n.getInputList()));
    g.getOutputList().forEach(o -> read.add(o.getName()));
    for (String out : cut.getOutputList()) {
      if (!out.isEmpty() && read.contains(out)) {
        usedOutputs.add(out);
      }
    }
    if (activeInputs.isEmpty() || usedOutputs.isEmpty()) {
      throw new IllegalArgumentException("node '" + cut.getName() + "' is not between the input and the output");
    }
    List<String> probe = new ArrayList<>(activeInputs);
    probe.addAll(usedOutputs);
    try (OrtSession s = runtime.open(probed().toByteArray())) {
      Map<String, FloatTensor> out =
          TensorIO.run(s, Map.of(model.inputName(), UniformSamples.of(1, model.sampleShape(), 11)), Map.of(), probe);
      out.forEach((name, t) -> sampleShapes.put(name, t.sampleShape()));
    }
  }

  /** The node cut at. */
  OnnxMl.NodeProto node0() {
    return cut;
  }

  /** U's inputs that depend on x, in order. */
  List<String> activeInputs() {
    return activeInputs;
  }

  /** U's outputs that later nodes read, in order. */
  List<String> usedOutputs() {
    return usedOutputs;
  }

  /** Values per sample of a value named here. */
  int sampleSize(String name) {
    return Math.toIntExact(FloatTensor.numel(sampleShapes.get(name)));
  }

  /** Per-sample shape of a value named here. */
  long[] sampleShape(String name) {
    return sampleShapes.get(name);
  }

  /** Values per sample of all of a, or of all of o. */
  int packedSize(List<String> names) {
    return names.stream().mapToInt(this::sampleSize).sum();
  }

  /** The values {@code names} of {@code b} samples packed per sample, [b · Σ sample sizes]. */
  float[] pack(Map<String, FloatTensor> values, List<String> names, int b) {
    int width = packedSize(names);
    float[] out = new float[b * width];
    int off = 0;
    for (String n : names) {
      int size = sampleSize(n);
      float[] d = values.get(n).data();
      for (int i = 0; i < b; i++) {
        System.arraycopy(d, i * size, out, i * width + off, size);
      }
      off += size;
    }
    return out;
  }

  /** The model with U's active inputs and used outputs as extra graph outputs. */
  OnnxMl.ModelProto probed() {
    OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
    for (String name : activeInputs) {
      g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name));
    }
    for (String name : usedOutputs) {
      if (!name.equals(model.outputName())) {
        g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name));
      }
    }
    return model.proto().toBuilder().setGraph(g).build();
  }

  /** The rest of the graph as a function of z = [flat x, flat o_1, ...] per sample [B, Dx + Do]. */
  OnnxMl.ModelProto rest(String packedInput) {
    OnnxMl.GraphProto g = model.proto().getGraph();
    OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode().clearInput();
    for (OnnxMl.ValueInfoProto in : g.getInputList()) {
      if (!in.getName().equals(model.inputName())) {
        b.addInput(in);
      }
    }
    int dx = Math.toIntExact(FloatTensor.numel(model.sampleShape()));
    int total = dx + packedSize(usedOutputs);
    b.addInput(floatInput(packedInput, total));
    List<String> pieces = new ArrayList<>(List.of(model.inputName()));
    pieces.addAll(usedOutputs);
    long offset = 0;
    for (String piece : pieces) {
      long[] sample = piece.equals(model.inputName()) ? model.sampleShape() : sampleShapes.get(piece);
      long size = FloatTensor.numel(sample);
      String starts = constant(b, piece + "_starts", new long[] {offset});
      String ends = constant(b, piece + "_ends", new long[] {offset + size});
      String axes = constant(b, piece + "_axes", new long[] {1});
      long[] shape = new long[sample.length + 1];
      shape[0] = -1;
      System.arraycopy(sample, 0, shape, 1, sample.length);
      String target = constant(b, piece + "_shape", shape);
      String flat = "lcnn_cut_flat_" + piece;
      b.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Slice").setName(flat).addInput(packedInput).addInput(starts)
          .addInput(ends).addInput(axes).addOutput(flat));
      b.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").setName("lcnn_cut_reshape_" + piece).addInput(flat)
          .addInput(target).addOutput(piece));
      offset += size;
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (!n.equals(cut)) {
        b.addNode(n);
      }
    }
    OnnxMl.GraphProto pruned = GraphPruner.keep(b.build(), g.getOutputList(), List.of());
    return model.proto().toBuilder().setGraph(pruned).build();
  }

  /** The prefix x → [flat a_1, flat a_2, ...] per sample, with output {@code packedOutput}. */
  OnnxMl.ModelProto prefix(String packedOutput) {
    OnnxMl.GraphProto.Builder b = model.proto().getGraph().toBuilder();
    List<String> flats = new ArrayList<>();
    for (String a : activeInputs) {
      String flat = "lcnn_cut_prefix_" + a;
      b.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Flatten").setName(flat).addInput(a).addOutput(flat)
          .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
              .setType(OnnxMl.AttributeProto.AttributeType.INT)));
      flats.add(flat);
    }
    b.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Concat").setName(packedOutput).addAllInput(flats)
        .addOutput(packedOutput).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
            .setType(OnnxMl.AttributeProto.AttributeType.INT)));
    OnnxMl.ValueInfoProto out = OnnxMl.ValueInfoProto.newBuilder().setName(packedOutput).setType(floatType(-1)).build();
    OnnxMl.GraphProto pruned = GraphPruner.keep(b.build(), List.of(out), List.of());
    return model.proto().toBuilder().setGraph(pruned).build();
  }

  /** U alone: inputs a with a dynamic batch axis, its constant inputs as initializers, outputs o. */
  OnnxMl.ModelProto node() {
    OnnxMl.GraphProto g = model.proto().getGraph();
    Map<String, OnnxMl.TensorProto> constants = constants(g);
    OnnxMl.GraphProto.Builder b = OnnxMl.GraphProto.newBuilder().setName("lcnn_cut_node").addNode(cut);
    for (String a : activeInputs) {
      long[] sample = sampleShapes.get(a);
      OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
          .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
      for (long d : sample) {
        s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      b.addInput(OnnxMl.ValueInfoProto.newBuilder().setName(a).setType(OnnxMl.TypeProto.newBuilder()
          .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(s))));
    }
    for (String in : cut.getInputList()) {
      if (!in.isEmpty() && !activeInputs.contains(in)) {
        b.addInitializer(constants.get(in).toBuilder().setName(in));
      }
    }
    for (String o : usedOutputs) {
      b.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(o).setType(floatType(-1)));
    }
    return model.proto().toBuilder().setGraph(b).clearMetadataProps().build();
  }

  private static Map<String, OnnxMl.TensorProto> constants(OnnxMl.GraphProto g) {
    Map<String, OnnxMl.TensorProto> c = new HashMap<>();
    g.getInitializerList().forEach(t -> c.put(t.getName(), t));
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        OnnxMl.TensorProto t = Tensors.constantValue(n);
        if (t != null) {
          c.put(n.getOutput(0), t);
        }
      }
    }
    return c;
  }

  private static String constant(OnnxMl.GraphProto.Builder b, String hint, long[] values) {
    String name = "lcnn_cut_" + hint;
    b.addInitializer(Tensors.int64(name, new long[] {values.length}, values));
    return name;
  }

  private static OnnxMl.ValueInfoProto floatInput(String name, long width) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(floatType(width)).build();
  }

  private static OnnxMl.TypeProto floatType(long width) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    if (width > 0) {
      s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width));
      return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT)
          .setShape(s)).build();
    }
    return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT))
        .build();
  }
}
