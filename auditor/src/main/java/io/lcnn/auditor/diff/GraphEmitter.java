package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends nodes and constant initializers to a graph under construction, with fresh names that
 * collide with nothing in the graph. Knows the graph's default-domain opset, so reductions and
 * squeezes are emitted in the form that opset expects. Constants it makes are recorded in the
 * {@link TensorFacts} it was given.
 */
public final class GraphEmitter {
  private final OnnxMl.GraphProto.Builder graph;
  private final long opset;
  private final TensorFacts facts;
  private final Set<String> used = new HashSet<>();
  private final Map<String, String> constantCache = new HashMap<>();
  private final String prefix;
  private int counter;

  /**
   * @param graph the graph nodes are appended to
   * @param opset its default-domain opset (at least 13)
   * @param facts facts about the graph's values, extended with the constants made here
   * @param prefix prefix of every name made here
   */
  public GraphEmitter(OnnxMl.GraphProto.Builder graph, long opset, TensorFacts facts, String prefix) {
    this.graph = graph;
    this.opset = opset;
    this.facts = facts;
    this.prefix = prefix;
    graph.getInputList().forEach(v -> used.add(v.getName()));
    graph.getInitializerList().forEach(t -> used.add(t.getName()));
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      used.addAll(n.getOutputList());
      used.add(n.getName());
    }
  }

  /** The default-domain opset of the graph. */
  public long opset() {
    return opset;
  }

  /** Facts about the graph's values. */
  public TensorFacts facts() {
    return facts;
  }

  /** A name used nowhere in the graph, built from a hint. */
  public String fresh(String hint) {
    String name;
    do {
      name = prefix + hint + "_" + (counter++);
    } while (!used.add(name));
    return name;
  }

  /** Appends a one-output node and returns its output name. */
  public String op(String opType, List<String> inputs, AttributeProto... attrs) {
    return ops(opType, inputs, 1, attrs).get(0);
  }

  /** Appends a one-output node (inputs given inline) and returns its output name. */
  public String op(String opType, String... inputs) {
    return op(opType, Arrays.asList(inputs));
  }

  /** Appends a node with {@code outputs} outputs and returns their names. */
  public List<String> ops(String opType, List<String> inputs, int outputs, AttributeProto... attrs) {
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outs.add(fresh(opType.toLowerCase()));
    }
    graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(fresh("node_" + opType))
        .addAllInput(inputs).addAllOutput(outs).addAllAttribute(Arrays.asList(attrs)));
    return outs;
  }

  /** Appends a node with given output names. */
  public void node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
    used.addAll(outputs);
    graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(fresh("node_" + opType))
        .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(Arrays.asList(attrs)));
  }

  /** A 1-D int64 constant. */
  public String ints(long... values) {
    return constant("i64" + Arrays.toString(values), () -> Tensors.int64("", new long[] {values.length}, values));
  }

  /** A rank-0 int64 constant. */
  public String int64Scalar(long value) {
    return constant("i64s" + value, () -> Tensors.int64("", new long[0], value));
  }

  /** A rank-0 constant of the given float element type. */
  public String scalar(double value, int dtype) {
    return constant("s" + dtype + ":" + Double.doubleToLongBits(value), () -> Tensors.real("", dtype, new long[0], value));
  }

  /** A rank-0 constant with the element type of the value {@code like}. */
  public String scalarLike(double value, String like) {
    int dt = facts.dtype(like);
    return scalar(value, dt == 0 ? Tensors.FLOAT : dt);
  }

  /** A float constant of any shape. */
  public String tensor(int dtype, long[] dims, double[] values) {
    return constant("t" + dtype + Arrays.toString(dims) + Arrays.toString(values),
        () -> Tensors.real("", dtype, dims, values));
  }

  private String constant(String key, java.util.function.Supplier<OnnxMl.TensorProto> make) {
    return constantCache.computeIfAbsent(key, k -> {
      String name = fresh("const");
      OnnxMl.TensorProto t = make.get().toBuilder().setName(name).build();
      graph.addInitializer(t);
      facts.addConstant(name, t);
      return name;
    });
  }

  /** ReduceSum over axes (input form, opset ≥ 13); empty axes leave x unchanged. */
  public String reduceSum(String x, long[] axes, boolean keepdims) {
    if (axes.length == 0) {
      return x;
    }
    return op("ReduceSum", List.of(x, ints(axes)), Attrs.i("keepdims", keepdims ? 1 : 0));
  }

  /** ReduceMax over axes, in the form the opset expects. */
  public String reduceMax(String x, long[] axes, boolean keepdims) {
    if (opset >= 18) {
      return op("ReduceMax", List.of(x, ints(axes)), Attrs.i("keepdims", keepdims ? 1 : 0));
    }
    return op("ReduceMax", List.of(x), Attrs.ints("axes", axes), Attrs.i("keepdims", keepdims ? 1 : 0));
  }

  /** Unsqueeze (input form, opset ≥ 13). */
  public String unsqueeze(String x, long... axes) {
    return op("Unsqueeze", List.of(x, ints(axes)));
  }

  /** Squeeze (input form, opset ≥ 13). */
  public String squeeze(String x, long... axes) {
    return op("Squeeze", List.of(x, ints(axes)));
  }

  /** Reshape x to the runtime shape of {@code like}. */
  public String reshapeLike(String x, String like) {
    return op("Reshape", x, op("Shape", like));
  }

  /** Zeros of the run-time shape {@code shape} (a 1-D int64 value) with the element type of {@code like}. */
  public String zerosOfShape(String shape, String like) {
    int dt = facts.dtype(like);
    OnnxMl.TensorProto zero = Tensors.real("", dt == 0 ? Tensors.FLOAT : dt, new long[] {1}, 0.0);
    return op("ConstantOfShape", List.of(shape), Attrs.t("value", zero));
  }

  /**
   * The flat position of every element of {@code like} (row-major, batch included) in a tensor
   * of its run-time shape: 0, 1, 2, ... as int64.
   */
  public String positions(String like) {
    String range = op("Range", int64Scalar(0), op("Size", like), int64Scalar(1));
    return op("Reshape", range, op("Shape", like));
  }

  /** Zeros with the shape and element type of {@code like}. */
  public String zerosLike(String like) {
    int dt = facts.dtype(like);
    OnnxMl.TensorProto zero = Tensors.real("", dt == 0 ? Tensors.FLOAT : dt, new long[] {1}, 0.0);
    return op("ConstantOfShape", List.of(op("Shape", like)), Attrs.t("value", zero));
  }
}
