package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the nodes and initializers of a graph that none of the given values depends on, so that
 * a graph cut down to one output (or to an inner value) holds only what computes it. Node order
 * is kept, so a topologically sorted graph stays sorted.
 */
public final class GraphPruner {
  private GraphPruner() {}

  /**
   * The graph with only what {@code wanted} needs, and {@code outputs} as its outputs.
   *
   * @param g the graph
   * @param outputs the outputs of the pruned graph
   * @param wanted every value that must still be computed (at least the outputs' names)
   */
  public static OnnxMl.GraphProto keep(OnnxMl.GraphProto g, List<OnnxMl.ValueInfoProto> outputs, Collection<String> wanted) {
    Set<String> needed = new HashSet<>(wanted);
    outputs.forEach(o -> needed.add(o.getName()));
    List<OnnxMl.NodeProto> kept = new ArrayList<>();
    for (int i = g.getNodeCount() - 1; i >= 0; i--) {
      OnnxMl.NodeProto n = g.getNode(i);
      if (n.getOutputList().stream().anyMatch(needed::contains)) {
        kept.add(0, n);
        needed.addAll(n.getInputList());
        needed.addAll(subgraphReads(n));
      }
    }
    OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode().addAllNode(kept).clearOutput().addAllOutput(outputs);
    b.clearInitializer();
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      if (needed.contains(t.getName())) {
        b.addInitializer(t);
      }
    }
    List<OnnxMl.ValueInfoProto> valueInfo = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : g.getValueInfoList()) {
      if (needed.contains(v.getName())) {
        valueInfo.add(v);
      }
    }
    b.clearValueInfo().addAllValueInfo(valueInfo);
    return b.build();
  }

  /** Names read by the node's subgraphs (If/Loop/Scan bodies), which may capture outer values. */
  private static Set<String> subgraphReads(OnnxMl.NodeProto n) {
    Set<String> reads = new HashSet<>();
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      if (a.hasG()) {
        collect(a.getG(), reads);
      }
      a.getGraphsList().forEach(s -> collect(s, reads));
    }
    return reads;
  }

  private static void collect(OnnxMl.GraphProto g, Set<String> reads) {
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      reads.addAll(n.getInputList());
      reads.addAll(subgraphReads(n));
    }
  }
}
