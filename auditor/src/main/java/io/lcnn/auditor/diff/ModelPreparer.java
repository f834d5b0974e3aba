package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a model ready for differentiation without changing what it computes: raises its
 * default-domain opset to at least {@link #MIN_OPSET} (ScatterElements with reduction and
 * CastLike need it) and IR version to at least 8, rewriting nodes whose meaning changed between
 * the model's opset and the new one (legacy broadcast attributes, Softmax's 2-D coercion before
 * 13, attribute-to-input moves of Pad, Slice, Squeeze, Unsqueeze, ReduceSum, Split, Clip and
 * Reshape, BatchNormalization's old attributes, Upsample and Resize-10 as Resize with the
 * asymmetric coordinate rule), in the bodies of If/Loop/Scan too; turns inference Dropout into
 * Identity; and gives every MaxPool its Indices output. Forms that cannot be rewritten are refused.
 */
public final class ModelPreparer {
  /** The lowest default-domain opset of a prepared model. */
  public static final long MIN_OPSET = 17;

  private final OnnxMl.ModelProto model;
  private final String label;
  private final long opset;
  private final java.util.Map<String, Integer> ranks = new java.util.HashMap<>();
  private final java.util.Map<String, Integer> dtypes = new java.util.HashMap<>();
  private final java.util.Map<String, long[]> initShapes = new java.util.HashMap<>();
  private final List<NodeProto> out = new ArrayList<>();
  private final List<OnnxMl.TensorProto> inits = new ArrayList<>();
  private final List<UnsupportedOpsException.Blocker> blockers = new ArrayList<>();
  private final Set<String> used;
  private final Set<String> consumed = new HashSet<>();
  private int counter;

  private ModelPreparer(OnnxMl.ModelProto model, String label) {
    this(model, label, new HashSet<>());
  }

  /** A preparer for the body of a control-flow node: same opset, shared names, the outer ranks and types known. */
  private ModelPreparer(ModelPreparer parent, OnnxMl.GraphProto body) {
    this(parent.model.toBuilder().setGraph(body).build(), parent.label, parent.used);
    parent.ranks.forEach(ranks::putIfAbsent);
    parent.dtypes.forEach(dtypes::putIfAbsent);
    parent.initShapes.forEach(initShapes::putIfAbsent);
  }

  private ModelPreparer(OnnxMl.ModelProto model, String label, Set<String> used) {
    this.used = used;
    this.model = model;
    this.label = label;
    this.opset = opsetOf(model);
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      ranks.put(t.getName(), t.getDimsCount());
      dtypes.put(t.getName(), t.getDataType());
      initShapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    }
    for (OnnxMl.ValueInfoProto v : model.getGraph().getInputList()) {
      if (v.getType().getTensorType().hasShape()) {
        ranks.putIfAbsent(v.getName(), v.getType().getTensorType().getShape().getDimCount());
      }
      dtypes.putIfAbsent(v.getName(), v.getType().getTensorType().getElemType());
    }
    for (NodeProto n : model.getGraph().getNodeList()) {
      used.addAll(n.getOutputList());
      consumed.addAll(n.getInputList());
    }
    model.getGraph().getOutputList().forEach(o -> consumed.add(o.getName()));
  }

  /** The default-domain opset a model imports (1 when none). */
  public static long opsetOf(OnnxMl.ModelProtoOrBuilder m) {
    for (OnnxMl.OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return 1;
  }

  /**
   * Prepares a model.
   *
   * @param label the model's name, for messages
   * @throws UnsupportedOpsException naming nodes whose old form cannot be rewritten
   */
  public static OnnxMl.ModelProto prepare(OnnxMl.ModelProto model, String label) {
    return new ModelPreparer(model, label).run();
  }

  private OnnxMl.ModelProto run() {
    for (NodeProto n : model.getGraph().getNodeList()) {
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        out.add(n);
      } else {
        rewrite(n);
      }
    }
    if (!blockers.isEmpty()) {
      throw new UnsupportedOpsException(label, blockers);
    }
    long target = Math.max(opset, MIN_OPSET);
    OnnxMl.ModelProto.Builder m = model.toBuilder();
    m.setIrVersion(Math.max(model.getIrVersion(), 8));
    m.clearOpsetImport();
    boolean set = false;
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        if (!set) {
          m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(target));
          set = true;
        }
      } else {
        m.addOpsetImport(o);
      }
    }
    if (!set) {
      m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(target));
    }
    OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
    g.clearNode().addAllNode(out).addAllInitializer(inits);
    g.clearValueInfo();
    return m.build();
  }

  private void rewrite(NodeProto original) {
    NodeProto n0 = withPreparedBodies(original);
    NodeProto n = Attrs.without(n0, "consumed_inputs", "is_test").build();
    String op = n.getOpType();
    propagateRank(n);
    switch (op) {
      case "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less", "PRelu", "Gemm" -> {
        if (opset < 7 && Attrs.has(n, "axis") && Attrs.i(n, "broadcast", 0) != 0 && !op.equals("Gemm")) {
          long axis = Attrs.i(n, "axis", 0);
          if (rank(n.getInput(1)) < 0 || rank(n.getInput(1)) + axis != rank(n.getInput(0))) {
            block(n, "legacy broadcast with axis=" + axis);
          }
        }
        n = Attrs.without(n, "broadcast", "axis").build();
        if (op.equals("PRelu") && opset < 7) {
          prelu(n);
          return;
        }
        out.add(n);
      }
      case "Softmax", "LogSoftmax", "Hardmax" -> softmax(n);
      case "Reshape" -> {
        if (Attrs.has(n, "shape")) {
          n = Attrs.without(n, "shape").addInput(ints(Attrs.ints(n0, "shape"))).build();
        }
        out.add(n);
      }
      case "Pad" -> {
        if (opset < 11) {
          long[] pads = Attrs.ints(n, "pads");
          String value = real(Attrs.f(n, "value", 0f), n.getInput(0));
          n = Attrs.without(n, "pads", "value", "paddings").addInput(ints(pads == null ? Attrs.ints(n, "paddings") : pads))
              .addInput(value).build();
        }
        out.add(n);
      }
      case "Slice" -> {
        if (opset < 10) {
          NodeProto.Builder b = Attrs.without(n, "starts", "ends", "axes")
              .addInput(ints(Attrs.ints(n, "starts"))).addInput(ints(Attrs.ints(n, "ends")));
          if (Attrs.has(n, "axes")) {
            b.addInput(ints(Attrs.ints(n, "axes")));
          }
          n = b.build();
        }
        out.add(n);
      }
      case "Squeeze", "Unsqueeze", "ReduceSum" -> {
        if (opset < 13 && Attrs.has(n, "axes")) {
          n = Attrs.without(n, "axes").addInput(ints(Attrs.ints(n, "axes"))).build();
        }
        out.add(n);
      }
      case "Split" -> {
        if (opset < 13 && Attrs.has(n, "split")) {
          n = Attrs.without(n, "split").addInput(ints(Attrs.ints(n, "split"))).build();
        }
        out.add(n);
      }
      case "Clip" -> {
        if (opset < 11) {
          NodeProto.Builder b = Attrs.without(n, "min", "max");
          b.addInput(Attrs.has(n, "min") ? real(Attrs.f(n, "min", 0f), n.getInput(0)) : "");
          b.addInput(Attrs.has(n, "max") ? real(Attrs.f(n, "max", 0f), n.getInput(0)) : "");
          n = b.build();
        }
        out.add(n);
      }
      case "Concat" -> {
        if (!Attrs.has(n, "axis")) {
          n = n.toBuilder().addAttribute(Attrs.i("axis", 1)).build();
        }
        out.add(n);
      }
      case "BatchNormalization" -> {
        if (Attrs.i(n, "spatial", 1) != 1) {
          block(n, "spatial=0");
        }
        NodeProto.Builder b = Attrs.without(n, "spatial").clearOutput().addOutput(n.getOutput(0));
        for (int i = 1; i < n.getOutputCount(); i++) {
          if (consumed.contains(n.getOutput(i))) {
            block(n, "training outputs are used");
          }
        }
        out.add(b.build());
      }
      case "Dropout" -> {
        if (n.getOutputCount() > 1 && consumed.contains(n.getOutput(1))) {
          block(n, "mask output is used");
        }
        out.add(NodeProto.newBuilder().setName(n.getName()).setOpType("Identity").addInput(n.getInput(0))
            .addOutput(n.getOutput(0)).build());
      }
      case "Upsample", "Resize" -> {
        if (opset < 11) {
          resize10(n);
          return;
        }
        out.add(n);
      }
      case "MaxPool" -> {
        if (n.getOutputCount() < 2 || n.getOutput(1).isEmpty()) {
          NodeProto.Builder b = n.toBuilder().clearOutput().addOutput(n.getOutput(0)).addOutput(fresh("maxpool_indices"));
          n = b.build();
        }
        out.add(n);
      }
      default -> out.add(n);
    }
  }

  /** The node with the nodes of its If/Loop/Scan bodies rewritten the same way (recursively). */
  private NodeProto withPreparedBodies(NodeProto n) {
    if (!NodeInputs.hasSubgraph(n)) {
      return n;
    }
    NodeProto.Builder b = n.toBuilder();
    for (int i = 0; i < b.getAttributeCount(); i++) {
      OnnxMl.AttributeProto a = b.getAttribute(i);
      if (a.hasG()) {
        b.setAttribute(i, a.toBuilder().setG(preparedBody(a.getG())));
      }
      for (int j = 0; j < a.getGraphsCount(); j++) {
        b.setAttribute(i, b.getAttribute(i).toBuilder().setGraphs(j, preparedBody(a.getGraphs(j))));
      }
    }
    return b.build();
  }

  private OnnxMl.GraphProto preparedBody(OnnxMl.GraphProto body) {
    ModelPreparer child = new ModelPreparer(this, body);
    for (NodeProto m : body.getNodeList()) {
      if (!m.getDomain().isEmpty() && !m.getDomain().equals("ai.onnx")) {
        child.out.add(m);
      } else {
        child.rewrite(m);
      }
    }
    blockers.addAll(child.blockers);
    return body.toBuilder().clearNode().addAllNode(child.out).addAllInitializer(child.inits).build();
  }

  /** Records output ranks and element types where they follow simply from the inputs. */
  private void propagateRank(NodeProto n) {
    if (n.getInputCount() == 0 || n.getOutputCount() == 0) {
      return;
    }
    Integer r = ranks.get(n.getInput(0));
    Integer dt = dtypes.get(n.getInput(0));
    if (dt != null) {
      dtypes.put(n.getOutput(0), dt);
    }
    switch (n.getOpType()) {
      case "Gemm", "Flatten" -> ranks.put(n.getOutput(0), 2);
      case "Add", "Sub", "Mul", "Div", "Pow", "Sum", "Max", "Min", "PRelu" -> {
        int m = -1;
        for (String i : n.getInputList()) {
          m = Math.max(m, ranks.getOrDefault(i, -100));
        }
        if (m >= 0) {
          ranks.put(n.getOutput(0), m);
        }
      }
      case "Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softplus", "Softsign", "Exp", "Log", "Sqrt", "Abs",
          "Neg", "Clip", "Dropout", "Identity", "BatchNormalization", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
          "Softmax", "LogSoftmax", "HardSigmoid", "Erf", "Cast", "InstanceNormalization", "Pad", "Transpose",
          "GlobalAveragePool", "GlobalMaxPool" -> {
        if (r != null) {
          ranks.put(n.getOutput(0), r);
        }
      }
      default -> { }
    }
  }

  private int rank(String name) {
    return ranks.getOrDefault(name, -1);
  }

  private void softmax(NodeProto n) {
    if (opset >= 13) {
      out.add(n);
      return;
    }
    String x = n.getInput(0);
    int r = rank(x);
    long axis = Attrs.i(n, "axis", 1);
    if (r > 0 && BackwardStep.axis(axis, r) == r - 1) {
      out.add(Attrs.without(n, "axis").addAttribute(Attrs.i("axis", -1)).build());
      return;
    }
    String flat = fresh("flat");
    String soft = fresh("soft");
    String shape = fresh("shape");
    out.add(NodeProto.newBuilder().setOpType("Flatten").setName(fresh("n")).addInput(x).addOutput(flat)
        .addAttribute(Attrs.i("axis", axis)).build());
    out.add(Attrs.without(n, "axis").setName(n.getName()).clearInput().addInput(flat).clearOutput().addOutput(soft)
        .addAttribute(Attrs.i("axis", -1)).build());
    out.add(NodeProto.newBuilder().setOpType("Shape").setName(fresh("n")).addInput(x).addOutput(shape).build());
    out.add(NodeProto.newBuilder().setOpType("Reshape").setName(fresh("n")).addInput(soft).addInput(shape)
        .addOutput(n.getOutput(0)).build());
  }

  /**
   * Upsample (opsets 7-9) and Resize-10 as Resize-11+: scales move to the third input, and the
   * old coordinate rule x_in = x_out / scale (nearest: floor) is spelled out.
   */
  private void resize10(NodeProto n) {
    String mode = Attrs.s(n, "mode", "nearest");
    if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
      block(n, "mode=" + mode);
    }
    String scales = n.getInputCount() > 1 ? n.getInput(1) : null;
    if (scales == null) {
      OnnxMl.AttributeProto a = Attrs.find(n, "scales");
      double[] d = a == null ? new double[0] : a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
      scales = fresh("scales");
      inits.add(Tensors.real(scales, Tensors.FLOAT, new long[] {d.length}, d));
    }
    out.add(NodeProto.newBuilder().setOpType("Resize").setName(n.getName()).addInput(n.getInput(0)).addInput("")
        .addInput(scales).addOutput(n.getOutput(0)).addAttribute(Attrs.s("mode", mode.equals("nearest") ? "nearest" : "linear"))
        .addAttribute(Attrs.s("coordinate_transformation_mode", "asymmetric"))
        .addAttribute(Attrs.s("nearest_mode", "floor")).build());
  }

  private void prelu(NodeProto n) {
    String slope = n.getInput(1);
    long[] s = initShapes.get(slope);
    int r = rank(n.getInput(0));
    if (s != null && s.length == 1 && s[0] > 1 && r < 0) {
      block(n, "rank of the input is unknown");
    }
    if (s != null && s.length == 1 && s[0] > 1 && r > 2) {
      long[] dims = new long[r - 1];
      java.util.Arrays.fill(dims, 1);
      dims[0] = s[0];
      String reshaped = fresh("slope");
      out.add(NodeProto.newBuilder().setOpType("Reshape").setName(fresh("n")).addInput(slope).addInput(ints(dims))
          .addOutput(reshaped).build());
      n = n.toBuilder().setInput(1, reshaped).build();
    }
    out.add(n);
  }

  private void block(NodeProto n, String why) {
    String name = n.getName().isEmpty() ? "#" + out.size() + " -> " + n.getOutput(0) : n.getName();
    blockers.add(new UnsupportedOpsException.Blocker(name, n.getOpType(), "opset " + opset + " form, " + why));
  }

  private String fresh(String hint) {
    String name;
    do {
      name = "lcnn_prep_" + hint + "_" + (counter++);
    } while (!used.add(name));
    return name;
  }

  private String ints(long[] v) {
    String name = fresh("ints");
    inits.add(Tensors.int64(name, new long[] {v.length}, v));
    return name;
  }

  private String real(double v, String like) {
    String name = fresh("scalar");
    int dt = dtypes.getOrDefault(like, 0);
    inits.add(Tensors.real(name, dt == 0 ? Tensors.FLOAT : dt, new long[0], v));
    return name;
  }
}
