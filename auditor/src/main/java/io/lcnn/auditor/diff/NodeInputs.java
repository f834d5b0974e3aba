package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every value a node reads: its explicit inputs, and the outer-scope values that the bodies of
 * its graph attributes (If branches, Loop and Scan bodies, at any depth) capture. Data flow into
 * a node through such captures is as real as through its inputs, so dependence analyses must
 * see both.
 */
final class NodeInputs {
  private NodeInputs() {}

  /** Explicit inputs (non-empty) followed by the captured outer-scope values, without repeats. */
  static List<String> of(OnnxMl.NodeProto n) {
    Set<String> all = new LinkedHashSet<>();
    n.getInputList().stream().filter(s -> !s.isEmpty()).forEach(all::add);
    all.addAll(captures(n));
    return new ArrayList<>(all);
  }

  /** The outer-scope values read by the node's subgraphs (empty for nodes without subgraphs). */
  static Set<String> captures(OnnxMl.NodeProto n) {
    Set<String> out = new LinkedHashSet<>();
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      if (a.hasG()) {
        out.addAll(freeValues(a.getG()));
      }
      for (OnnxMl.GraphProto g : a.getGraphsList()) {
        out.addAll(freeValues(g));
      }
    }
    return out;
  }

  /** Whether the node carries a graph attribute (If, Loop, Scan, ...). */
  static boolean hasSubgraph(OnnxMl.NodeProto n) {
    return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
  }

  /** Values a graph reads that it does not define itself (inputs, initializers, node outputs). */
  private static Set<String> freeValues(OnnxMl.GraphProto g) {
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(v -> defined.add(v.getName()));
    g.getInitializerList().forEach(t -> defined.add(t.getName()));
    Set<String> free = new LinkedHashSet<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      for (String i : of(n)) {
        if (!defined.contains(i)) {
          free.add(i);
        }
      }
      defined.addAll(n.getOutputList());
    }
    g.getOutputList().forEach(o -> {
      if (!defined.contains(o.getName())) {
        free.add(o.getName());
      }
    });
    return free;
  }
}
