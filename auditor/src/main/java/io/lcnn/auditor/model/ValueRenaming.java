package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;

/**
 * Renames the reads of one value in a graph's nodes, in the bodies of If/Loop/Scan nodes too
 * (outer-scope reads), except in a body that declares an input of that name (which shadows it).
 * Used to put new nodes in front of a graph input or behind a graph output.
 */
final class ValueRenaming {
  private ValueRenaming() {}

  /** Renames every read of {@code from} to {@code to} in {@code g}'s nodes and their subgraphs. */
  static void renameReads(OnnxMl.GraphProto.Builder g, String from, String to) {
    for (OnnxMl.NodeProto.Builder n : g.getNodeBuilderList()) {
      renameReads(n, from, to);
    }
  }

  private static void renameReads(OnnxMl.NodeProto.Builder n, String from, String to) {
    for (int i = 0; i < n.getInputCount(); i++) {
      if (n.getInput(i).equals(from)) {
        n.setInput(i, to);
      }
    }
    for (OnnxMl.AttributeProto.Builder a : n.getAttributeBuilderList()) {
      if (a.hasG()) {
        renameInBody(a.getGBuilder(), from, to);
      }
      for (OnnxMl.GraphProto.Builder sub : a.getGraphsBuilderList()) {
        renameInBody(sub, from, to);
      }
    }
  }

  private static void renameInBody(OnnxMl.GraphProto.Builder g, String from, String to) {
    for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
      if (vi.getName().equals(from)) {
        return;
      }
    }
    renameReads(g, from, to);
  }
}
