package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.model.SoftmaxTail;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds gradient and exact Hessian-vector-product graphs of an ONNX model by reverse-mode
 * differentiation with a {@link RuleTable}: once for ∂loss/∂x, and once more over the gradient
 * graph for H·v = ∂⟨∂loss/∂x, v⟩/∂x. Samples of a batch are independent, so differentiating the
 * sum of per-sample losses yields every sample's gradient (and H·v) in one pass.
 */
public final class GraphDifferentiator {
  /** How many levels of nested If and Loop with decidable conditions and trip counts are inlined. */
  private static final int MAX_INLINED_DEPTH = 8;

  private final ReverseMode walker;
  private final boolean foldOperands;

  /** A differentiator over the given rules. */
  public GraphDifferentiator(RuleTable rules) {
    this(rules, true);
  }

  /**
   * A differentiator that folds shape-only operands into constants ({@code foldOperands}), or
   * leaves every computed operand a run-time value (for tests of the run-time adjoints).
   */
  GraphDifferentiator(RuleTable rules, boolean foldOperands) {
    this.walker = new ReverseMode(rules);
    this.foldOperands = foldOperands;
  }

  /** A differentiator over {@link RuleTable#standard()}. */
  public static GraphDifferentiator standard() {
    return new GraphDifferentiator(RuleTable.standard());
  }

  /**
   * Gradient and HVP graphs of a classifier's per-sample loss.
   *
   * @throws UnsupportedOpsException when some node on the path has no rule
   */
  public DifferentiatedModel classifier(OnnxModelFile model, OutputKind kind) {
    String label = model.path().getFileName().toString();
    return build(model.proto(), model.inputName(), model.outputName(), kind, label);
  }

  /**
   * Gradient and HVP graphs of ⟨output, cotangent⟩ for any model with one float input (the first
   * non-initializer input) and its first output.
   */
  public DifferentiatedModel vjp(OnnxMl.ModelProto model, String label) {
    Set<String> inits = new HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    String input = model.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName)
        .filter(n -> !inits.contains(n)).findFirst()
        .orElseThrow(() -> new ModelLoadException(label + ": the graph has no input"));
    return build(model, input, model.getGraph().getOutput(0).getName(), null, label);
  }

  private DifferentiatedModel build(OnnxMl.ModelProto original, String x, String y, OutputKind kind, String label) {
    OnnxMl.ModelProto prepared = ModelPreparer.prepare(original, label);
    long opset = ModelPreparer.opsetOf(prepared);
    TensorFacts facts = null;
    if (kind != null && fixedBatch(prepared, x) > 0) {
      OnnxMl.ModelProto relaxed = withDynamicBatch(prepared, x);
      try {
        facts = ShapeProbe.probe(relaxed, label, foldOperands);
        prepared = relaxed;
      } catch (ModelLoadException e) {
        facts = null;
      }
    }
    if (facts == null) {
      facts = ShapeProbe.probe(prepared, label, foldOperands);
    }
    for (int depth = 0; depth < MAX_INLINED_DEPTH; depth++) {
      OnnxMl.ModelProto inlined = BranchInliner.inline(prepared, facts);
      if (inlined == null) {
        inlined = LoopUnroller.unroll(prepared, facts);
      }
      if (inlined == null) {
        break;
      }
      prepared = inlined;
      facts = ShapeProbe.probe(prepared, label, foldOperands);
    }
    OnnxMl.ValueInfoProto xInfo = inputInfo(prepared, x, label);
    long[] yShape = facts.shape(y);

    OnnxMl.ModelProto.Builder gm = prepared.toBuilder();
    OnnxMl.GraphProto.Builder g = gm.getGraphBuilder();
    List<OnnxMl.NodeProto> forward = new ArrayList<>(g.getNodeList());
    GraphEmitter e = new GraphEmitter(g, opset, facts, "lcnn_");
    String seedOn;
    String seed;
    String loss = null;
    if (kind == null) {
      g.addInput(valueInfo(DifferentiatedModel.COTANGENT, facts.dtype(y), yShape, xInfo));
      seedOn = y;
      seed = DifferentiatedModel.COTANGENT;
    } else {
      if (yShape == null || yShape.length != 2 || yShape[1] < 1) {
        throw new ModelLoadException(label + ": output '" + y + "' must be [batch, classes], got "
            + (yShape == null ? "unknown" : java.util.Arrays.toString(yShape)));
      }
      g.addInput(valueInfo(DifferentiatedModel.LABEL, Tensors.INT64, new long[] {-1}, xInfo));
      OnnxMl.NodeProto softmax = SoftmaxTail.find(prepared.getGraph(), y).orElse(null);
      long[] zShape = softmax == null ? null : facts.shape(softmax.getInput(0));
      LossHead.Emitted head;
      if (kind == OutputKind.LOGITS) {
        head = LossHead.fromLogits(e, y, null, DifferentiatedModel.LABEL);
        seedOn = y;
      } else if (zShape != null && zShape.length == 2 && zShape[1] == yShape[1]) {
        boolean same = softmax.getOutput(0).equals(y);
        head = LossHead.fromLogits(e, softmax.getInput(0), same ? y : null, DifferentiatedModel.LABEL);
        seedOn = softmax.getInput(0);
      } else if (zShape != null && zShape.length > 2 && zShape[zShape.length - 1] == yShape[1]
          && BackwardStep.axis(Attrs.i(softmax, "axis", -1), zShape.length) == zShape.length - 1
          && io.lcnn.datasets.FloatTensor.numel(java.util.Arrays.copyOfRange(zShape, 1, zShape.length)) == yShape[1]) {
        String z = softmax.getInput(0);
        LossHead.Emitted flat = LossHead.fromLogits(e, e.op("Flatten", List.of(z), Attrs.i("axis", 1)), null,
            DifferentiatedModel.LABEL);
        head = new LossHead.Emitted(flat.loss(), e.reshapeLike(flat.adjoint(), z));
        seedOn = z;
      } else {
        head = LossHead.fromProbabilities(e, y, DifferentiatedModel.LABEL);
        seedOn = y;
      }
      seed = head.adjoint();
      loss = head.loss();
    }
    String grad = walker.differentiate(forward, x, Map.of(seedOn, seed), e, label);
    e.node("Identity", List.of(grad == null ? e.zerosLike(x) : grad), List.of(DifferentiatedModel.GRAD));
    g.clearOutput();
    if (loss != null) {
      e.node("Identity", List.of(loss), List.of(DifferentiatedModel.LOSS));
      g.addOutput(typed(DifferentiatedModel.LOSS, facts.dtype(y)));
    }
    g.addOutput(typed(y, facts.dtype(y)));
    g.addOutput(typed(DifferentiatedModel.GRAD, facts.dtype(x)));
    OnnxMl.ModelProto gradient = gm.build();

    TensorFacts facts2 = ShapeProbe.probe(gradient, label + " (gradient graph)", foldOperands);
    OnnxMl.ModelProto.Builder hm = gradient.toBuilder();
    OnnxMl.GraphProto.Builder h = hm.getGraphBuilder();
    List<OnnxMl.NodeProto> first = new ArrayList<>(h.getNodeList());
    h.addInput(xInfo.toBuilder().setName(DifferentiatedModel.PROBE));
    GraphEmitter e2 = new GraphEmitter(h, opset, facts2, "lcnn2_");
    String hv = walker.differentiate(first, x, Map.of(DifferentiatedModel.GRAD, DifferentiatedModel.PROBE), e2,
        label + " (gradient graph)");
    e2.node("Identity", List.of(hv == null ? e2.zerosLike(x) : hv), List.of(DifferentiatedModel.HVP));
    h.clearOutput();
    h.addOutput(typed(DifferentiatedModel.HVP, facts.dtype(x)));
    return new DifferentiatedModel(gradient, hm.build(), x, y, kind == null ? 0 : yShape[1], fixedBatch(prepared, x));
  }

  /** The declared batch size of input x, or 0 when its first axis is dynamic. */
  private static long fixedBatch(OnnxMl.ModelProto m, String x) {
    for (OnnxMl.ValueInfoProto v : m.getGraph().getInputList()) {
      if (v.getName().equals(x)) {
        var dims = v.getType().getTensorType().getShape().getDimList();
        return dims.isEmpty() || !dims.get(0).hasDimValue() ? 0 : dims.get(0).getDimValue();
      }
    }
    return 0;
  }

  /** The model with the first axis of input x (and of the outputs) made dynamic. */
  public static OnnxMl.ModelProto withDynamicBatch(OnnxMl.ModelProto m, String x) {
    OnnxMl.ModelProto.Builder b = m.toBuilder();
    OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
    OnnxMl.TensorShapeProto.Dimension batch = OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
    for (OnnxMl.ValueInfoProto.Builder v : g.getInputBuilderList()) {
      if (v.getName().equals(x)) {
        v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, batch);
      }
    }
    for (OnnxMl.ValueInfoProto.Builder v : g.getOutputBuilderList()) {
      var shape = v.getTypeBuilder().getTensorTypeBuilder();
      if (shape.hasShape() && shape.getShape().getDimCount() > 0) {
        shape.getShapeBuilder().setDim(0, batch);
      }
    }
    return b.build();
  }

  private static OnnxMl.ValueInfoProto inputInfo(OnnxMl.ModelProto m, String x, String label) {
    return m.getGraph().getInputList().stream().filter(v -> v.getName().equals(x)).findFirst()
        .orElseThrow(() -> new ModelLoadException(label + ": no input '" + x + "'"));
  }

  /** A value info whose batch axis (-1) mirrors the input's first axis. */
  private static OnnxMl.ValueInfoProto valueInfo(String name, int dtype, long[] shape, OnnxMl.ValueInfoProto like) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    OnnxMl.TensorShapeProto.Dimension batch = like.getType().getTensorType().getShape().getDim(0);
    for (long d : shape) {
      s.addDim(d < 0 ? batch : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
    }
    if (shape.length == 1 && shape[0] < 0 && batch.hasDimValue()) {
      s.setDim(0, batch);
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype).setShape(s))).build();
  }

  private static OnnxMl.ValueInfoProto typed(String name, int dtype) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype))).build();
  }
}
