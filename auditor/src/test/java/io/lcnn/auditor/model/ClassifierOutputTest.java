package io.lcnn.auditor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which output {@link ClassifierOutput} audits, and its one-line refusals. */
class ClassifierOutputTest {
  private static OnnxMl.ValueInfoProto tensor(String name, int dtype, long... dims) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(dtype).setShape(s))).build();
  }

  /** x → Identity → y (float, shaped as given) and ArgMax → label (int64) when asked. */
  private static OnnxMl.ModelProto model(boolean withLabel, long... yDims) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
        .addInput(tensor("x", 1, -1, 3));
    if (withLabel) {
      g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ArgMax").addInput("x").addOutput("label"));
      g.addOutput(tensor("label", 7, -1));
    }
    g.addOutput(tensor("y", 1, yDims));
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g).build();
  }

  @Test
  void aSingleFloatOutputOfAnyRankIsTakenAsItIs() {
    ClassifierOutput c = ClassifierOutput.select(model(false, -1, 3, 1, 1), null, Path.of("m.onnx"));
    assertEquals("y", c.name());
    assertNull(c.note());
  }

  @Test
  void theFloatOutputIsChosenOverAnInt64LabelAndTheLabelsNodeIsCutAway() {
    ClassifierOutput c = ClassifierOutput.select(model(true, -1, 3), null, Path.of("m.onnx"));
    assertEquals("y", c.name());
    assertEquals(List.of("y"), c.model().getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
    assertEquals(1, c.model().getGraph().getNodeCount());
    assertTrue(c.note().contains("first float tensor among [label, y]"), c.note());
  }

  @Test
  void anOutputThatIsNotAFloatTensorIsRefusedNamingIt() {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> ClassifierOutput.select(model(true, -1, 3), "label", Path.of("m.onnx")));
    assertEquals("m.onnx: output 'label' is not a float tensor; the classifier output must hold logits or probabilities"
        + " [batch, classes]", e.getMessage());
  }
}
