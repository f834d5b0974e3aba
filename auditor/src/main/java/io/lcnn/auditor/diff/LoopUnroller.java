package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unrolls every top-level Loop whose trip count is known before the input (a constant, or a
 * value {@link ShapeProbe} folded) and at most {@link #MAX_TRIPS}, whose condition input is absent
 * or known true, and whose body passes its condition through unchanged (or sets it to a constant
 * true): the body is copied once per iteration with its own values renamed, the iteration number
 * and condition become constants, loop-carried values chain from one copy to the next, and scan
 * outputs are stacked with Unsqueeze + Concat. Outer-scope values the body reads are then
 * ordinary node inputs. Any other Loop stays, and the differentiator refuses it when the loss
 * depends on it.
 */
final class LoopUnroller {
  /** The largest trip count that is unrolled. */
  static final long MAX_TRIPS = 64;

  private LoopUnroller() {}

  /** The model with the unrollable Loops unrolled, or null when it has none. */
  static OnnxMl.ModelProto unroll(OnnxMl.ModelProto model, TensorFacts facts) {
    OnnxMl.GraphProto g = model.getGraph();
    OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
    boolean changed = false;
    Set<String> names = new HashSet<>();
    g.getNodeList().forEach(m -> names.addAll(m.getOutputList()));
    g.getInitializerList().forEach(t -> names.add(t.getName()));
    int loopIndex = 0;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      long trips = n.getOpType().equals("Loop") && n.getDomain().isEmpty() ? trips(n, facts) : -1;
      if (trips < 1) {
        b.addNode(n);
        continue;
      }
      String prefix;
      do {
        String p = "lcnn_loop" + (loopIndex++) + "_";
        prefix = names.stream().anyMatch(v -> v.startsWith(p)) ? null : p;
      } while (prefix == null);
      expand(n, trips, prefix, b);
      changed = true;
    }
    return changed ? model.toBuilder().setGraph(b).build() : null;
  }

  /** The trip count of an unrollable Loop, or -1. */
  private static long trips(OnnxMl.NodeProto n, TensorFacts facts) {
    OnnxMl.GraphProto body = Attrs.find(n, "body").getG();
    if (n.getInputCount() < 1 || n.getInput(0).isEmpty() || facts.constInts(n.getInput(0)) == null) {
      return -1;
    }
    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      OnnxMl.TensorProto c = facts.constant(n.getInput(1));
      if (c == null || Tensors.doubles(c)[0] == 0) {
        return -1;
      }
    }
    String condIn = body.getInput(1).getName();
    String condOut = body.getOutput(0).getName();
    boolean passes = condOut.equals(condIn);
    for (OnnxMl.NodeProto m : body.getNodeList()) {
      if (NodeInputs.hasSubgraph(m)) {
        return -1;
      }
      if (m.getOutputList().contains(condOut)) {
        OnnxMl.TensorProto v = m.getOpType().equals("Constant") ? Tensors.constantValue(m) : null;
        passes = (m.getOpType().equals("Identity") && m.getInput(0).equals(condIn)) || (v != null && Tensors.doubles(v)[0] != 0);
      }
    }
    long t = facts.constInts(n.getInput(0))[0];
    return passes && t <= MAX_TRIPS ? t : -1;
  }

  private static void expand(OnnxMl.NodeProto loop, long trips, String prefix, OnnxMl.GraphProto.Builder out) {
    OnnxMl.GraphProto body = Attrs.find(loop, "body").getG();
    int carried = loop.getInputCount() - 2;
    int scans = body.getOutputCount() - 1 - carried;
    Set<String> local = new HashSet<>();
    body.getInputList().forEach(v -> local.add(v.getName()));
    body.getInitializerList().forEach(t -> local.add(t.getName()));
    body.getNodeList().forEach(m -> local.addAll(m.getOutputList()));
    List<String> state = new ArrayList<>(loop.getInputList().subList(2, loop.getInputCount()));
    List<List<String>> scanned = new ArrayList<>();
    for (int s = 0; s < scans; s++) {
      scanned.add(new ArrayList<>());
    }
    for (long k = 0; k < trips; k++) {
      String tag = prefix + "it" + k + "_";
      Map<String, String> rename = new HashMap<>();
      for (String v : local) {
        rename.put(v, tag + v);
      }
      String iter = tag + "iter";
      out.addInitializer(Tensors.int64(iter, new long[0], k));
      rename.put(body.getInput(0).getName(), iter);
      String cond = tag + "cond";
      out.addInitializer(OnnxMl.TensorProto.newBuilder().setName(cond).setDataType(Tensors.BOOL)
          .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1})));
      rename.put(body.getInput(1).getName(), cond);
      for (int i = 0; i < carried; i++) {
        rename.put(body.getInput(2 + i).getName(), state.get(i));
      }
      for (OnnxMl.TensorProto t : body.getInitializerList()) {
        out.addInitializer(t.toBuilder().setName(rename.get(t.getName())));
      }
      for (int j = 0; j < body.getNodeCount(); j++) {
        OnnxMl.NodeProto m = body.getNode(j);
        OnnxMl.NodeProto.Builder c = m.toBuilder().clearInput().clearOutput().setName(tag + "node" + j + "_" + m.getName());
        m.getInputList().forEach(i -> c.addInput(i.isEmpty() ? i : rename.getOrDefault(i, i)));
        m.getOutputList().forEach(o -> c.addOutput(o.isEmpty() ? o : rename.get(o)));
        out.addNode(c);
      }
      for (int i = 0; i < carried; i++) {
        String o = body.getOutput(1 + i).getName();
        state.set(i, rename.getOrDefault(o, o));
      }
      for (int s = 0; s < scans; s++) {
        String o = body.getOutput(1 + carried + s).getName();
        String unsq = tag + "scan" + s;
        out.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Unsqueeze").setName(unsq + "_node")
            .addInput(rename.getOrDefault(o, o)).addInput(prefix + "axis0").addOutput(unsq));
        scanned.get(s).add(unsq);
      }
    }
    if (scans > 0) {
      out.addInitializer(Tensors.int64(prefix + "axis0", new long[] {1}, 0));
    }
    for (int i = 0; i < loop.getOutputCount(); i++) {
      String name = loop.getOutput(i);
      if (name.isEmpty()) {
        continue;
      }
      OnnxMl.NodeProto.Builder c = OnnxMl.NodeProto.newBuilder().setName(prefix + "out" + i).addOutput(name);
      if (i < carried) {
        c.setOpType("Identity").addInput(state.get(i));
      } else {
        c.setOpType("Concat").addAllInput(scanned.get(i - carried)).addAttribute(Attrs.i("axis", 0));
      }
      out.addNode(c);
    }
  }
}
