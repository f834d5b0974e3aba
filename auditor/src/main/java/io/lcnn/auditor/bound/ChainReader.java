package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.diff.Attrs;
import io.lcnn.auditor.diff.TensorFacts;
import io.lcnn.auditor.model.OutputKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a classifier graph as a {@link LayerChain}: walks the nodes in graph (topological) order,
 * giving every value that depends on the input the index of the linear stage it belongs to. An
 * activation closes the current stage at its input and opens the next at its output. The walk
 * stops at the first node that is neither affine nor a supported activation, that reads values of
 * two stages (a residual connection or concatenation across a nonlinearity), or that reads a
 * closed stage (a branch); that node is named in {@link NoBound}.
 */
public final class ChainReader {
  /** Ops affine in their single non-constant input, which must be input 0. */
  private static final Set<String> AFFINE_IN_FIRST = Set.of(
      "Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Dropout", "Neg", "AveragePool",
      "GlobalAveragePool", "Pad", "Slice", "Gather", "Conv", "ConvTranspose", "Gemm", "BatchNormalization",
      "ReduceMean", "ReduceSum", "Split", "Expand", "Tile", "Div", "DepthToSpace", "SpaceToDepth");

  /** Ops affine in any number of non-constant inputs (sums and concatenations of affine maps). */
  private static final Set<String> AFFINE_IN_ALL = Set.of("Add", "Sub", "Sum", "Concat");

  /** Ops linear in exactly one non-constant input at any position. */
  private static final Set<String> LINEAR_IN_ONE = Set.of("Mul", "MatMul");

  /** Ops whose outputs do not depend on input values (shapes). */
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

  private ChainReader() {}

  /**
   * @param graph the classifier's graph
   * @param input name of the image input
   * @param output name of the classifier output
   * @param kind logits, or probabilities (then the output must come from a final Softmax)
   * @param facts shapes of the graph's values
   */
  public static LayerChain read(OnnxMl.GraphProto graph, String input, String output, OutputKind kind, TensorFacts facts) {
    Set<String> constants = new HashSet<>();
    graph.getInitializerList().forEach(t -> constants.add(t.getName()));
    Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
    graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
    String logits = output;
    OnnxMl.NodeProto head = null;
    if (kind == OutputKind.PROBABILITIES) {
      OnnxMl.NodeProto p = producer.get(output);
      long axis = p == null ? 0 : Attrs.i(p, "axis", -1);
      long[] shape = facts.shape(output);
      if (p == null || !p.getOpType().equals("Softmax") || !(axis == -1 || shape != null && axis == shape.length - 1)) {
        return new LayerChain(List.of(), List.of(), new NoBound(output, p == null ? "" : p.getOpType(),
            "the output holds probabilities not made by a final Softmax over the class axis, so the loss −log p_y"
                + " has no layer bound"));
      }
      head = p;
      logits = p.getInput(0);
    }
    List<LayerChain.LinearStage> linear = new ArrayList<>();
    List<LayerChain.ActivationStage> acts = new ArrayList<>();
    Map<String, Integer> stageOf = new HashMap<>();
    stageOf.put(input, 0);
    String stageInput = input;
    List<OnnxMl.NodeProto> stageNodes = new ArrayList<>();
    int current = 0;
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      if (n == head) {
        continue;
      }
      if (n.getOpType().equals("Constant")) {
        constants.addAll(n.getOutputList());
        continue;
      }
      Set<String> dynamic = new LinkedHashSet<>();
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !constants.contains(in)) {
          dynamic.add(in);
        }
      }
      if (dynamic.isEmpty() || SHAPE_ONLY.contains(n.getOpType())) {
        constants.addAll(n.getOutputList());
        continue;
      }
      Set<Integer> stages = new HashSet<>();
      for (String in : dynamic) {
        Integer s = stageOf.get(in);
        if (s == null) {
          return stop(linear, acts, n, "reads '" + in + "', which is neither computed from the input '" + input
              + "' nor a constant");
        }
        stages.add(s);
      }
      if (stages.size() > 1) {
        return stop(linear, acts, n, isSilu(n, producer) ? Activation.SILU.reason().replace(" (the Hessian-norm bound"
            + " still holds)", "; lcnn reads it as two values joined by Mul, which Theorem 1's chain does not cover")
            : "joins values from different layers (a residual connection or a concatenation across a"
                + " nonlinearity); Theorem 1 covers a chain of layers only");
      }
      int s = stages.iterator().next();
      if (s != current) {
        return stop(linear, acts, n, "reads a value of an earlier layer after a later layer began (a branch);"
            + " Theorem 1 covers a chain of layers only");
      }
      Activation a = Activation.of(n);
      if (a != null && dynamic.size() == 1 && n.getInput(0).equals(dynamic.iterator().next())) {
        linear.add(new LayerChain.LinearStage(stageInput, n.getInput(0), List.copyOf(stageNodes)));
        acts.add(new LayerChain.ActivationStage(n, a, perSample(facts.shape(n.getOutput(0)))));
        current++;
        stageInput = n.getOutput(0);
        stageNodes = new ArrayList<>();
        stageOf.put(stageInput, current);
        continue;
      }
      String whyNot = affine(n, dynamic);
      if (whyNot != null) {
        return stop(linear, acts, n, whyNot);
      }
      stageNodes.add(n);
      for (String o : n.getOutputList()) {
        stageOf.put(o, current);
      }
    }
    Integer last = stageOf.get(logits);
    if (last == null || last != current) {
      OnnxMl.NodeProto p = producer.get(logits);
      return new LayerChain(linear, acts, new NoBound(p == null ? logits : label(p), p == null ? "" : p.getOpType(),
          "the logits '" + logits + "' are not computed by the last linear stage of a chain from the input"));
    }
    linear.add(new LayerChain.LinearStage(stageInput, logits, List.copyOf(stageNodes)));
    return new LayerChain(linear, acts, null);
  }

  /** A node's name, or its op and first output when it has none. */
  public static String label(OnnxMl.NodeProto n) {
    return n.getName().isEmpty() ? n.getOpType() + " → '" + n.getOutput(0) + "'" : n.getName();
  }

  /** Elements per sample of a value shaped [batch, ...]. */
  static long perSample(long[] shape) {
    long n = 1;
    for (int i = 1; shape != null && i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Null when node n is affine in its non-constant inputs, else the reason it is not. */
  private static String affine(OnnxMl.NodeProto n, Set<String> dynamic) {
    String op = n.getOpType();
    if (AFFINE_IN_ALL.contains(op)) {
      return null;
    }
    if (LINEAR_IN_ONE.contains(op)) {
      return dynamic.size() == 1 ? null : op + " multiplies two values that depend on the input, so it is not affine";
    }
    if (AFFINE_IN_FIRST.contains(op)) {
      if (dynamic.size() == 1 && n.getInput(0).equals(dynamic.iterator().next())) {
        if (op.equals("Pad") && !Attrs.s(n, "mode", "constant").equals("constant")) {
          return "Pad in mode " + Attrs.s(n, "mode", "constant") + " is handled only in mode constant";
        }
        return null;
      }
      return op + " depends on the input through an operand other than its data (e.g. weights or a divisor), so it"
          + " is not affine";
    }
    return Activation.whyNoBound(n);
  }

  private static boolean isSilu(OnnxMl.NodeProto n, Map<String, OnnxMl.NodeProto> producer) {
    if (!n.getOpType().equals("Mul") || n.getInputCount() != 2) {
      return false;
    }
    for (int k = 0; k < 2; k++) {
      OnnxMl.NodeProto p = producer.get(n.getInput(k));
      if (p != null && p.getOpType().equals("Sigmoid") && p.getInput(0).equals(n.getInput(1 - k))) {
        return true;
      }
    }
    return false;
  }

  private static LayerChain stop(List<LayerChain.LinearStage> linear, List<LayerChain.ActivationStage> acts,
      OnnxMl.NodeProto n, String reason) {
    return new LayerChain(List.copyOf(linear), List.copyOf(acts), new NoBound(label(n), n.getOpType(), reason));
  }
}
