package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link GradientRule} sees of one node during reverse-mode differentiation: the node, the
 * adjoints of its outputs, which inputs need adjoints, facts about every value, and the emitter
 * that new nodes go to. Adjoints have the shape and element type of the value they belong to.
 */
public final class BackwardStep {
  private final OnnxMl.NodeProto node;
  private final Map<String, String> outputAdjoints;
  private final Set<String> active;
  private final Map<String, List<String>> contributions;
  private final GraphEmitter emit;

  BackwardStep(OnnxMl.NodeProto node, Map<String, String> outputAdjoints, Set<String> active,
      Map<String, List<String>> contributions, GraphEmitter emit) {
    this.node = node;
    this.outputAdjoints = outputAdjoints;
    this.active = active;
    this.contributions = contributions;
    this.emit = emit;
  }

  /** The node being differentiated. */
  public OnnxMl.NodeProto node() {
    return node;
  }

  /** The emitter for new nodes and constants. */
  public GraphEmitter emit() {
    return emit;
  }

  /** Facts (shape, element type, constant values) about the graph's values. */
  public TensorFacts facts() {
    return emit.facts();
  }

  /** Name of input i ("" or past the end when absent). */
  public String in(int i) {
    return i < node.getInputCount() ? node.getInput(i) : "";
  }

  /** Name of output i. */
  public String out(int i) {
    return node.getOutput(i);
  }

  /** Number of inputs. */
  public int inputs() {
    return node.getInputCount();
  }

  /** Whether input i depends on the differentiated input and needs an adjoint. */
  public boolean needs(int i) {
    return i < node.getInputCount() && !node.getInput(i).isEmpty() && active.contains(node.getInput(i));
  }

  /** Adjoint of output i, or null when nothing downstream depends on it. */
  public String grad(int i) {
    return i < node.getOutputCount() ? outputAdjoints.get(node.getOutput(i)) : null;
  }

  /** Adjoint of output i, or zeros of its shape when it has none. */
  public String gradOrZeros(int i) {
    String g = grad(i);
    return g != null ? g : emit.zerosLike(out(i));
  }

  /** Adds a contribution to the adjoint of input i. */
  public void add(int i, String adjoint) {
    contributions.computeIfAbsent(in(i), k -> new ArrayList<>()).add(adjoint);
  }

  /** Shape of a value, -1 on batch-dependent axes. */
  public long[] shape(String name) {
    long[] s = facts().shape(name);
    if (s == null) {
      throw new IllegalStateException("no shape known for '" + name + "'");
    }
    return s;
  }

  /** Rank of a value. */
  public int rank(String name) {
    return shape(name).length;
  }

  /** A scalar constant with the element type of {@code like}. */
  public String scalar(double v, String like) {
    return emit.scalarLike(v, like);
  }

  /** Shorthand for emitting a one-output node. */
  public String op(String opType, String... inputs) {
    return emit.op(opType, inputs);
  }

  /**
   * Sums {@code g}, whose shape is {@code gShape} (the broadcast result), down to the shape of
   * {@code target} (numpy broadcasting rules), so it can be its adjoint.
   */
  public String sumTo(String g, long[] gShape, String target) {
    long[] t = shape(target);
    int lead = gShape.length - t.length;
    List<Long> axes = new ArrayList<>();
    for (int i = 0; i < gShape.length; i++) {
      if (i < lead) {
        axes.add((long) i);
      } else if (t[i - lead] == 1 && gShape[i] != 1) {
        axes.add((long) i);
      }
    }
    if (axes.isEmpty()) {
      return g;
    }
    String r = emit.reduceSum(g, axes.stream().mapToLong(Long::longValue).toArray(), true);
    return lead > 0 ? emit.reshapeLike(r, target) : r;
  }

  /** Adds {@code g} (shaped like output 0) to input i's adjoint, summed down to its shape. */
  public void addBroadcast(int i, String g) {
    add(i, sumTo(g, shape(out(0)), in(i)));
  }

  /** Normalizes a possibly negative axis for a value of rank r. */
  public static long axis(long a, int r) {
    return a < 0 ? a + r : a;
  }
}
