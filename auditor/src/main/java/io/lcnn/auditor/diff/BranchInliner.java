package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * Replaces every top-level If whose condition is known before the input is (a constant, or a
 * value {@link ShapeProbe} folded because it depends on shapes alone) by the nodes of the branch
 * it takes: the branch's initializers join the graph's, and each If output becomes an Identity of
 * the branch output. Outer-scope values the branch reads are then ordinary inputs of its nodes,
 * so they are differentiated like the rest of the graph. An If whose condition depends on the
 * input values stays, and the differentiator refuses it when the loss depends on it.
 */
final class BranchInliner {
  private BranchInliner() {}

  /** The model with the decidable Ifs inlined, or null when it has none. */
  static OnnxMl.ModelProto inline(OnnxMl.ModelProto model, TensorFacts facts) {
    OnnxMl.GraphProto g = model.getGraph();
    OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
    boolean changed = false;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      OnnxMl.TensorProto cond = n.getOpType().equals("If") && n.getDomain().isEmpty() ? facts.constant(n.getInput(0)) : null;
      if (cond == null || Tensors.numel(cond) != 1) {
        b.addNode(n);
        continue;
      }
      boolean taken = Tensors.doubles(cond)[0] != 0;
      OnnxMl.AttributeProto branch = Attrs.find(n, taken ? "then_branch" : "else_branch");
      OnnxMl.GraphProto body = branch.getG();
      b.addAllInitializer(body.getInitializerList());
      b.addAllNode(body.getNodeList());
      List<OnnxMl.ValueInfoProto> outs = body.getOutputList();
      for (int i = 0; i < n.getOutputCount(); i++) {
        if (!n.getOutput(i).isEmpty()) {
          b.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity")
              .setName(n.getName() + "_taken_" + i).addInput(outs.get(i).getName()).addOutput(n.getOutput(i)));
        }
      }
      changed = true;
    }
    return changed ? model.toBuilder().setGraph(b).build() : null;
  }
}
