package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loss head against float64 closed forms on models whose output is the input's own logits:
 * loss = logsumexp(z) − z_y, ∇ = softmax(z) − onehot(y), H·v = p∘v − p(pᵀv) (evaluated as
 * −p_k Σ_j p_j (v_j − v_k), which does not cancel), including confident samples whose loss is far
 * below float32 epsilon.
 */
class ClassifierLossHeadTest {
  private static final float[][] LOGITS = {
      {30, 0, 0, 0}, {0.1f, 0.2f, -0.3f, 0.5f}, {-20, 15, 0, 1}, {18, -3, 2, 17.5f}, {1e-3f, 0, 0, 0}};
  private static final int[] LABELS = {0, 2, 0, 3, 1};
  private static final float[][] V = {{1, -2, 0.5f, 3}, {0.3f, 0.1f, -1, 2}, {1, 1, 1, -1}, {-2, 0, 1, 1}, {0, 0, 1, 0}};

  /** A model applying the given ops in a chain to x: Identity (logits), Softmax (probabilities). */
  private static OnnxModelFile model(String... ops) {
    return model(17, ops);
  }

  private static OnnxModelFile model(long opset, String... ops) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("head");
    for (int i = 0; i < ops.length; i++) {
      g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(ops[i]).setName("n" + i).addInput(i == 0 ? "x" : "h" + i)
          .addOutput(i == ops.length - 1 ? "y" : "h" + (i + 1)));
    }
    OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)).build();
    OnnxMl.TypeProto t = OnnxMl.TypeProto.newBuilder().setTensorType(
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape)).build();
    g.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(t));
    g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(t));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of(String.join("-", ops) + ".onnx"), m.toByteArray());
  }

  private static FloatTensor tensor(float[][] rows, int[] use) {
    float[] d = new float[use.length * 4];
    for (int i = 0; i < use.length; i++) {
      System.arraycopy(rows[use[i]], 0, d, 4 * i, 4);
    }
    return new FloatTensor(new long[] {use.length, 4}, d);
  }

  @Test
  void logitsModelMatchesClosedFormsIncludingConfidentSamples() {
    check(model("Identity"), OutputKind.LOGITS, new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void logitsModelAtOpset18UsesTheInputFormOfReductions() {
    check(model(18, "Identity"), OutputKind.LOGITS, new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void probabilityModelWithoutFinalSoftmaxUsesMinusLogPyOnModerateSamples() {
    check(model("Softmax", "Identity"), OutputKind.PROBABILITIES, new int[] {1, 2, 4});
  }

  @Test
  void probabilityModelEndingInSoftmaxMatchesClosedForms() {
    check(model("Softmax"), OutputKind.PROBABILITIES, new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void labelsOutsideTheClassesAreRefused() {
    try (ExactOracles o = ExactOracles.create(model("Identity"), OrtRuntime.cpu(1), OutputKind.LOGITS)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> o.gradient().gradient(tensor(LOGITS, new int[] {0, 1}), new int[] {1, 4}));
      assertEquals("label 4 of sample 1 is outside [0, 4)", e.getMessage());
    }
  }

  private static void check(OnnxModelFile model, OutputKind kind, int[] use) {
    int[] labels = new int[use.length];
    for (int i = 0; i < use.length; i++) {
      labels[i] = LABELS[use[i]];
    }
    try (ExactOracles o = ExactOracles.create(model, OrtRuntime.cpu(1), kind)) {
      GradientResult r = o.gradient().gradient(tensor(LOGITS, use), labels);
      FloatTensor hv = o.hvp().hvp(tensor(LOGITS, use), labels, tensor(V, use));
      for (int i = 0; i < use.length; i++) {
        int row = use[i];
        double[] z = new double[4];
        for (int k = 0; k < 4; k++) {
          z[k] = LOGITS[row][k];
        }
        int y = labels[i];
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
          m = Math.max(m, v);
        }
        double[] p = new double[4];
        double sum = 0;
        for (int k = 0; k < 4; k++) {
          sum += Math.exp(z[k] - m);
        }
        double others = 0;
        for (int k = 0; k < 4; k++) {
          p[k] = Math.exp(z[k] - m) / sum;
          if (k != y) {
            others += Math.exp(z[k] - z[y]);
          }
        }
        double loss = Math.log1p(others);
        assertEquals(loss, r.loss()[i], 1e-5 * loss + 1e-30, "loss of sample " + row);
        double restOfP = 0;
        for (int k = 0; k < 4; k++) {
          restOfP += k == y ? 0 : p[k];
        }
        for (int k = 0; k < 4; k++) {
          double g = k == y ? -restOfP : p[k];
          double got = r.gradient().data()[4 * i + k];
          assertTrue(Math.abs(got - g) <= 1e-5 * Math.abs(g) + 1e-30 || Math.abs(got - g) <= 1e-6 * restOfP,
              "gradient of sample " + row + " entry " + k + ": " + got + " vs " + g);
          double spread = 0;
          for (int j = 0; j < 4; j++) {
            spread += p[j] * ((double) V[row][j] - V[row][k]);
          }
          double h = -p[k] * spread;
          assertEquals(h, hv.data()[4 * i + k], 1e-5 * Math.abs(h) + 1e-6 * restOfP + 1e-30,
              "H·v of sample " + row + " entry " + k);
        }
      }
    }
  }
}
