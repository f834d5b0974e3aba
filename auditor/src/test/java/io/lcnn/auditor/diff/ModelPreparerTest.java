package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Raising a model's opset keeps what it computes. */
class ModelPreparerTest {
  @Test
  void softmaxBeforeOpset13KeepsItsFlattenedSemanticsAfterTheRaise() throws Exception {
    TinyModel m = new TinyModel(Tensors.FLOAT).opset(11);
    OnnxMl.ModelProto old = m.build(new long[] {2, 3, 4}, m.node("Softmax", List.of("x"), Attrs.i("axis", 1)));
    OnnxMl.ModelProto prepared = ModelPreparer.prepare(old, "softmax11");
    assertEquals(17, ModelPreparer.opsetOf(prepared));
    double[] x = LibOnnxTestdataTest.gaussian(new Random(1), 24, 2);
    String y = old.getGraph().getOutput(0).getName();
    double[] out;
    try (OrtTestCalls run = new OrtTestCalls(prepared, Tensors.FLOAT)) {
      out = run.run(Map.of("x", x), Map.of("x", new long[] {2, 3, 4}), List.of(y)).get(y);
    }
    for (int b = 0; b < 2; b++) {
      double sum = 0;
      for (int i = 0; i < 12; i++) {
        sum += Math.exp(x[b * 12 + i]);
      }
      for (int i = 0; i < 12; i++) {
        double expected = Math.exp(x[b * 12 + i]) / sum;
        assertEquals(expected, out[b * 12 + i], 1e-6, "softmax over the 12 values of sample " + b);
      }
    }
  }

  @Test
  void maxPoolGetsAnIndicesOutputAndDropoutBecomesIdentity() {
    TinyModel m = new TinyModel(Tensors.FLOAT);
    String p = m.node("MaxPool", List.of("x"), Attrs.ints("kernel_shape", 2, 2));
    OnnxMl.ModelProto model = m.build(new long[] {1, 1, 4, 4}, m.node("Dropout", List.of(p)));
    OnnxMl.ModelProto prepared = ModelPreparer.prepare(model, "pool");
    OnnxMl.NodeProto pool = prepared.getGraph().getNode(0);
    assertEquals(2, pool.getOutputCount());
    assertTrue(pool.getOutput(1).startsWith("lcnn_prep_"));
    assertEquals("Identity", prepared.getGraph().getNode(1).getOpType());
  }
}
