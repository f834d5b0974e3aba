package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode walker: given a topologically sorted node list, the value to differentiate
 * with respect to, and seed adjoints of some values, it visits the nodes in reverse and lets each
 * node's {@link GradientRule} emit adjoint nodes. Only nodes whose float outputs depend on the
 * input and lead to a seeded value are differentiated; everything else (shape arithmetic,
 * integer and boolean values) passes through untouched. Values that If/Loop/Scan bodies capture
 * from the outer scope count as inputs of the node, so control flow on the path is refused,
 * never skipped.
 */
public final class ReverseMode {
  private final RuleTable rules;

  /** A walker over the given rules. */
  public ReverseMode(RuleTable rules) {
    this.rules = rules;
  }

  /**
   * Emits the adjoint of {@code wrt}.
   *
   * @param nodes the graph's nodes, topologically sorted (a snapshot: new nodes go to {@code emit})
   * @param wrt the value to differentiate with respect to
   * @param seeds adjoints of values (e.g. d loss/d logits), by value name
   * @param emit where adjoint nodes go
   * @param label model name, for messages
   * @return the name of the adjoint of {@code wrt}, or null when no seed depends on it
   * @throws UnsupportedOpsException naming every node on the path that no rule covers
   */
  public String differentiate(List<OnnxMl.NodeProto> nodes, String wrt, Map<String, String> seeds,
      GraphEmitter emit, String label) {
    TensorFacts facts = emit.facts();
    Set<String> active = new HashSet<>();
    active.add(wrt);
    for (OnnxMl.NodeProto n : nodes) {
      if (NodeInputs.of(n).stream().anyMatch(active::contains)) {
        for (String o : n.getOutputList()) {
          if (!o.isEmpty() && Tensors.isFloat(facts.dtype(o))) {
            active.add(o);
          }
        }
      }
    }
    Set<String> useful = new HashSet<>(seeds.keySet());
    List<OnnxMl.NodeProto> todo = new ArrayList<>();
    for (int k = nodes.size() - 1; k >= 0; k--) {
      OnnxMl.NodeProto n = nodes.get(k);
      boolean leads = n.getOutputList().stream().anyMatch(o -> useful.contains(o) && active.contains(o));
      List<String> reads = NodeInputs.of(n);
      if (leads && reads.stream().anyMatch(active::contains)) {
        todo.add(n);
        useful.addAll(reads);
      }
    }
    Map<String, List<String>> contributions = new HashMap<>();
    seeds.forEach((k, v) -> contributions.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    List<UnsupportedOpsException.Blocker> blockers = new ArrayList<>();
    for (int k = todo.size() - 1; k >= 0; k--) {
      OnnxMl.NodeProto n = todo.get(k);
      GradientRule r = NodeInputs.hasSubgraph(n) ? null : rules.get(n.getOpType());
      String why = NodeInputs.hasSubgraph(n) ? "control flow whose body depends on the input"
          : r == null ? null : r.refusal(new BackwardStep(n, Map.of(), active, new HashMap<>(), emit));
      if (r == null || why != null) {
        blockers.add(new UnsupportedOpsException.Blocker(nodeName(n, nodes), n.getOpType(), why));
      }
    }
    if (!blockers.isEmpty()) {
      throw new UnsupportedOpsException(label, blockers);
    }
    for (OnnxMl.NodeProto n : todo) {
      Map<String, String> outAdj = new LinkedHashMap<>();
      for (String o : n.getOutputList()) {
        String a = total(o, contributions, emit);
        if (a != null) {
          outAdj.put(o, a);
        }
      }
      if (!outAdj.isEmpty()) {
        rules.get(n.getOpType()).backward(new BackwardStep(n, outAdj, active, contributions, emit));
      }
    }
    return total(wrt, contributions, emit);
  }

  private static String total(String value, Map<String, List<String>> contributions, GraphEmitter emit) {
    List<String> c = contributions.get(value);
    if (c == null || c.isEmpty()) {
      return null;
    }
    String sum = c.size() == 1 ? c.get(0) : emit.op("Sum", c);
    contributions.put(value, new ArrayList<>(List.of(sum)));
    return sum;
  }

  /** The node's name, or a stand-in naming its position and first output when it has none. */
  static String nodeName(OnnxMl.NodeProto n, List<OnnxMl.NodeProto> nodes) {
    if (!n.getName().isEmpty()) {
      return n.getName();
    }
    return "#" + nodes.indexOf(n) + " -> " + (n.getOutputCount() > 0 ? n.getOutput(0) : "?");
  }
}
