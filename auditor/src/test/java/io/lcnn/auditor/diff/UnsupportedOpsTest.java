package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nodes without rules on the input→loss path are all named in one line; nodes off the path are not. */
class UnsupportedOpsTest {
  /** x → Sinh ('node_7') → TopK ('node_9') → values² as logits, plus a Sinh on a dead branch. */
  private static OnnxModelFile classifierWithSinhAndTopK() {
    TinyModel m = new TinyModel(Tensors.FLOAT);
    m.named("dead_branch", "Sinh", List.of("x"));
    String a = m.named("node_7", "Sinh", List.of("x"));
    List<String> top = m.nodes("TopK", List.of(a, m.ints(3)), 2);
    OnnxMl.ModelProto p = m.build(new long[] {-1, 5}, m.node("Mul", List.of(top.get(0), top.get(0))));
    OnnxMl.ModelProto.Builder b = p.toBuilder();
    for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
      if (b.getGraph().getNode(i).getOpType().equals("TopK")) {
        b.getGraphBuilder().setNode(i, b.getGraph().getNode(i).toBuilder().setName("node_9"));
      }
    }
    return OnnxModelFile.parse(Path.of("model.onnx"), b.build().toByteArray());
  }

  @Test
  void everyBlockingNodeOnThePathIsNamedInOneLine() {
    OnnxModelFile model = classifierWithSinhAndTopK();
    UnsupportedOpsException e = assertThrows(UnsupportedOpsException.class,
        () -> GraphDifferentiator.standard().classifier(model, OutputKind.LOGITS));
    assertEquals("model.onnx: cannot differentiate 2 nodes: 'node_7' (Sinh), 'node_9' (TopK)", e.getMessage());
    assertEquals(List.of("Sinh", "TopK"), e.opTypes());
    assertEquals(List.of("node_7", "node_9"), e.blockers().stream().map(UnsupportedOpsException.Blocker::node).toList());
  }

  @Test
  void exactOraclesRefuseTheModelWithTheSameException() {
    OnnxModelFile model = classifierWithSinhAndTopK();
    UnsupportedOpsException e = assertThrows(UnsupportedOpsException.class,
        () -> ExactOracles.create(model, OrtRuntime.cpu(1), OutputKind.LOGITS));
    assertEquals(2, e.blockers().size());
  }

  @Test
  void unsupportedFormOfASupportedOpNamesTheReason() {
    TinyModel m = new TinyModel(Tensors.FLOAT);
    String low = m.node("ReduceMin", List.of("x"), Attrs.i("keepdims", 0));
    String p = m.named("clip_by_own_min", "Clip", List.of("x", low));
    OnnxMl.ModelProto proto = m.build(new long[] {2, 4}, m.node("Mul", List.of(p, p)));
    UnsupportedOpsException e = assertThrows(UnsupportedOpsException.class,
        () -> GraphDifferentiator.standard().vjp(proto, "clip.onnx"));
    assertEquals("clip.onnx: cannot differentiate 1 node: 'clip_by_own_min' (Clip: bounds depend on the input)",
        e.getMessage());
  }
}
