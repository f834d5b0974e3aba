package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.audit.FiniteDifferenceOracleFactory;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A linear classifier z = W x + b whose probabilities leave the graph through Softmax → Identity →
 * Unsqueeze → Flatten, on samples so confident that p_y rounds to 1 in float32: the output is
 * recognized as probabilities, and loss and gradient are formed from the logits, matching the
 * closed forms logsumexp(z) − z_y (as (z_m − z_y) + log1p(Σ_{k≠m} e^{z_k − z_m}), m the argmax, so
 * that the reference itself keeps its digits) and Wᵀ(softmax(z) − e_y) in double precision.
 */
class ConfidentProbabilityOutputTest {
  private static final int D = 4;
  private static final int K = 3;
  private static final double[] W = {6, -2, 1, 0.5, -3, 4, 0.5, -1, 1, 1, -5, 2};
  private static final double[] B = {0.5, -0.25, 0.1};

  private static OnnxModelFile model() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("confident");
    g.addInitializer(Tensors.real("w", Tensors.FLOAT, new long[] {K, D}, W));
    g.addInitializer(Tensors.real("b", Tensors.FLOAT, new long[] {K}, B));
    g.addInitializer(Tensors.int64("axes", new long[] {1}, 1));
    g.addNode(node("Gemm", List.of("x", "w", "b"), "z").toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
        .setName("transB").setI(1).setType(OnnxMl.AttributeProto.AttributeType.INT)).build());
    g.addNode(node("Softmax", List.of("z"), "p"));
    g.addNode(node("Identity", List.of("p"), "p1"));
    g.addNode(node("Unsqueeze", List.of("p1", "axes"), "p2"));
    g.addNode(node("Flatten", List.of("p2"), "probabilities"));
    g.addInput(info("x", D)).addOutput(info("probabilities", K));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of("confident.onnx"), m.toByteArray());
  }

  private static final float[] X = {4, 0, 1, 1, 0, 10, 0, 0, 1, 1, 0.5f, 0.25f};
  private static final int[] Y = {0, 1, 0};

  private static double[] logits(int i) {
    double[] z = new double[K];
    for (int k = 0; k < K; k++) {
      z[k] = B[k];
      for (int j = 0; j < D; j++) {
        z[k] += W[k * D + j] * X[i * D + j];
      }
    }
    return z;
  }

  private static double loss(int i) {
    double[] z = logits(i);
    int argmax = 0;
    for (int k = 1; k < K; k++) {
      argmax = z[k] > z[argmax] ? k : argmax;
    }
    double others = 0;
    for (int k = 0; k < K; k++) {
      others += k == argmax ? 0 : Math.exp(z[k] - z[argmax]);
    }
    return (z[argmax] - z[Y[i]]) + Math.log1p(others);
  }

  private static double[] gradient(int i) {
    double[] z = logits(i);
    double m = Math.max(z[0], Math.max(z[1], z[2]));
    double[] p = new double[K];
    double s = 0;
    for (int k = 0; k < K; k++) {
      p[k] = Math.exp(z[k] - m);
      s += p[k];
    }
    double[] g = new double[D];
    for (int k = 0; k < K; k++) {
      double r = p[k] / s - (k == Y[i] ? 1 : 0);
      for (int j = 0; j < D; j++) {
        g[j] += W[k * D + j] * r;
      }
    }
    return g;
  }

  @Test
  void confidentSamplesRoundToOneInFloat32SoTheTestIsMeaningful() {
    assertTrue(loss(0) < 1e-9 && loss(1) < 1e-9, "samples 0 and 1 must have p_y within 1e-9 of 1");
    assertEquals(1f, (float) Math.exp(-loss(0)));
  }

  @Test
  void exactGraphsDetectTheProbabilitiesAndFormLossAndGradientFromTheLogits() {
    OnnxModelFile m = model();
    assertEquals(OutputKind.PROBABILITIES, OutputKind.detect(m));
    try (ExactOracles exact = ExactOracles.create(m, OrtRuntime.cpu(1), OutputKind.detect(m))) {
      GradientResult r = exact.gradient().gradient(new FloatTensor(new long[] {3, D}, X), Y);
      for (int i = 0; i < 3; i++) {
        assertEquals(loss(i), r.loss()[i], 1e-4 * loss(i), "loss of sample " + i);
        double[] g = gradient(i);
        for (int j = 0; j < D; j++) {
          assertEquals(g[j], r.gradient().data()[i * D + j], 1e-4 * Math.abs(g[j]) + 1e-12,
              "gradient " + j + " of sample " + i);
        }
      }
    }
  }

  @Test
  void finiteDifferenceOraclesUseTheLogitsBehindTheChainToo() {
    OnnxModelFile m = model();
    try (OracleSet o = FiniteDifferenceOracleFactory.defaults().create(m, OrtRuntime.cpu(1), OutputKind.detect(m))) {
      float[] l = o.gradient().forward(new FloatTensor(new long[] {3, D}, X), Y).loss();
      for (int i = 0; i < 3; i++) {
        assertEquals(loss(i), l[i], 1e-4 * loss(i), "loss of sample " + i);
      }
    }
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, String out) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out).build();
  }

  private static OnnxMl.ValueInfoProto info(String name, long width) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))))).build();
  }
}
