package io.lcnn.auditor.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.ProgressListener;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A 3×32×32 CNN with one node that has no gradient rule (Celu, α = 1) against its twin with the
 * supported equivalent (Elu, α = 1, the same function): the hybrid audit must match the twin's
 * exact audit.
 */
class HybridOracleTest {
  private static final int SAMPLES = 16;

  /** Conv(3→8) → act → Conv(8→8, stride 2) → Softplus → Flatten → Gemm(2048→10); same weights for both acts. */
  static OnnxModelFile cnn(String activation) {
    Random r = new Random(42);
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("cnn_" + activation);
    g.addInitializer(random("w1", r, 0.3, 8, 3, 3, 3)).addInitializer(random("b1", r, 0.1, 8));
    g.addInitializer(random("w2", r, 0.15, 8, 8, 3, 3)).addInitializer(random("b2", r, 0.1, 8));
    g.addInitializer(random("w3", r, 0.05, 10, 2048)).addInitializer(random("b3", r, 0.1, 10));
    g.addNode(node("Conv", List.of("x", "w1", "b1"), "c1", ints("pads", 1, 1, 1, 1)));
    g.addNode(node(activation, List.of("c1"), "a1", OnnxMl.AttributeProto.newBuilder().setName("alpha").setF(1f)
        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).build()));
    g.addNode(node("Conv", List.of("a1", "w2", "b2"), "c2", ints("pads", 1, 1, 1, 1), ints("strides", 2, 2)));
    g.addNode(node("Softplus", List.of("c2"), "a2"));
    g.addNode(node("Flatten", List.of("a2"), "f"));
    g.addNode(node("Gemm", List.of("f", "w3", "b3"), "logits", OnnxMl.AttributeProto.newBuilder().setName("transB")
        .setI(1).setType(OnnxMl.AttributeProto.AttributeType.INT).build()));
    g.addInput(info("x", -1, 3, 32, 32)).addOutput(info("logits", -1, 10));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("lcnn-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of("cnn_" + activation + ".onnx"), m.toByteArray());
  }

  /**
   * Conv(3→8, stride 2) → Softplus → 2×2 l2 pooling → Flatten → Gemm(512→10): the pooling as LpPool (no
   * rule; each output reads a 2×2 window, so its Jacobian is sparse, not diagonal) or as its
   * supported equivalent Sqrt(4·AveragePool(x·x)).
   */
  static OnnxModelFile pooled(boolean lpPool) {
    Random r = new Random(43);
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName(lpPool ? "lppool" : "avgpool");
    g.addInitializer(random("w1", r, 0.3, 8, 3, 3, 3)).addInitializer(random("b1", r, 0.1, 8));
    g.addInitializer(random("w3", r, 0.1, 10, 512)).addInitializer(random("b3", r, 0.1, 10));
    g.addInitializer(Tensors.real("four", Tensors.FLOAT, new long[0], 4));
    g.addNode(node("Conv", List.of("x", "w1", "b1"), "c1", ints("pads", 1, 1, 1, 1), ints("strides", 2, 2)));
    g.addNode(node("Softplus", List.of("c1"), "a1"));
    if (lpPool) {
      g.addNode(node("LpPool", List.of("a1"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2),
          OnnxMl.AttributeProto.newBuilder().setName("p").setI(2).setType(OnnxMl.AttributeProto.AttributeType.INT).build()));
    } else {
      g.addNode(node("Mul", List.of("a1", "a1"), "sq"));
      g.addNode(node("AveragePool", List.of("sq"), "avg", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
      g.addNode(node("Mul", List.of("avg", "four"), "sum"));
      g.addNode(node("Sqrt", List.of("sum"), "p"));
    }
    g.addNode(node("Flatten", List.of("p"), "f"));
    g.addNode(node("Gemm", List.of("f", "w3", "b3"), "logits", OnnxMl.AttributeProto.newBuilder().setName("transB")
        .setI(1).setType(OnnxMl.AttributeProto.AttributeType.INT).build()));
    g.addInput(info("x", -1, 3, 32, 32)).addOutput(info("logits", -1, 10));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("lcnn-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of(g.getName() + ".onnx"), m.toByteArray());
  }

  static LabeledData data() {
    Random r = new Random(7);
    float[] x = new float[SAMPLES * 3 * 32 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    int[] y = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      y[i] = r.nextInt(10);
    }
    return new LabeledData(new FloatTensor(new long[] {SAMPLES, 3, 32, 32}, x), y, "random");
  }

  private static AuditResult audit(OnnxModelFile m, PrintStream notices) {
    AuditOptions o = AuditOptions.defaults().withSelfCheckSamples(0);
    AuditRunner runner = new AuditRunner(o, new ExactOracleFactory(), List.of(), notices, ProgressListener.NONE, "test");
    LabeledData d = data();
    return runner.run(m, new AuditData(d, "x", "y", null, null, null), null, null).result();
  }

  @Test
  void oneUnsupportedNodeAuditsSixteenSamplesWithGradientsWithinOnePercentOfTheExactTwin() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    AuditResult hybrid = audit(cnn("Celu"), new PrintStream(err, true, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - t0) / 1e9;
    AuditResult exact = audit(cnn("Elu"), System.err);
    System.out.printf("hybrid audit of %d samples (3x32x32, one Celu node): %.1f s%n", SAMPLES, seconds);
    assertEquals("exact-except-nodes", hybrid.model().gradientMode());
    assertEquals("exact", exact.model().gradientMode());
    String reasons = String.join(" | ", hybrid.model().fallbackReasons());
    assertTrue(reasons.contains("(Celu)") && reasons.contains("diagonal Jacobian, 2 evaluations"), reasons);
    List<SampleGeometry> h = hybrid.splits().get("test").samples();
    List<SampleGeometry> e = exact.splits().get("test").samples();
    for (int i = 0; i < SAMPLES; i++) {
      assertEquals(e.get(i).loss(), h.get(i).loss(), 1e-5 * e.get(i).loss(), "loss " + i);
      assertEquals(e.get(i).gradNorm(), h.get(i).gradNorm(), 1e-2 * e.get(i).gradNorm(), "gradient norm " + i);
      assertEquals(e.get(i).hessianSpectralNorm(), h.get(i).hessianSpectralNorm(), 0.05 * e.get(i).hessianSpectralNorm(),
          "Hessian spectral norm " + i);
    }
  }

  @Test
  void hybridGradientsAreWithinOnePercentOfTheExactOnesPerSample() throws Exception {
    double worst = hybridVsExact(cnn("Celu"), cnn("Elu"), "diagonal");
    System.out.printf("Celu vs Elu: hybrid vs exact gradients, max relative l2 error %.2e%n", worst);
    assertTrue(worst < 1e-2, "relative error " + worst);
  }

  @Test
  void aNodeWithASparseJacobianIsColouredAndItsGradientsAreWithinOnePercent() throws Exception {
    double worst = hybridVsExact(pooled(true), pooled(false), "sparse Jacobian, 8 evaluations");
    System.out.printf("LpPool vs Sqrt(4·AveragePool(x²)): hybrid vs exact gradients, max relative l2 error %.2e%n", worst);
    assertTrue(worst < 1e-2, "relative error " + worst);
  }

  private static double hybridVsExact(OnnxModelFile unsupported, OnnxModelFile twin, String structure) throws Exception {
    var runtime = io.lcnn.auditor.runtime.OrtRuntime.cpu(2);
    LabeledData d = data();
    FloatTensor ref;
    try (var exact = new ExactOracleFactory().create(twin, runtime, io.lcnn.auditor.model.OutputKind.LOGITS)) {
      ref = exact.gradient().gradient(d.inputs(), d.labels()).gradient();
    }
    io.lcnn.auditor.diff.UnsupportedOpsException refusal = org.junit.jupiter.api.Assertions.assertThrows(
        io.lcnn.auditor.diff.UnsupportedOpsException.class, () -> io.lcnn.auditor.oracle.ExactOracles.create(
            unsupported, runtime, io.lcnn.auditor.model.OutputKind.LOGITS));
    HybridOracleFactory f = HybridOracleFactory.create(unsupported, runtime, io.lcnn.auditor.model.OutputKind.LOGITS,
        refusal, io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES);
    assertTrue(f.reason().contains(structure), f.reason());
    FloatTensor g;
    try (var o = f.oracles()) {
      g = o.gradient().gradient(d.inputs(), d.labels()).gradient();
    }
    double worst = 0;
    for (int i = 0; i < SAMPLES; i++) {
      worst = Math.max(worst, io.lcnn.auditor.testing.ReferenceModel.relativeError(g, ref, i));
    }
    return worst;
  }

  private static OnnxMl.TensorProto random(String name, Random r, double scale, long... dims) {
    double[] v = new double[Math.toIntExact(FloatTensor.numel(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() * scale;
    }
    return Tensors.real(name, Tensors.FLOAT, dims, v);
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, String out, OnnxMl.AttributeProto... attrs) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out + "_node").addAllInput(in).addOutput(out)
        .addAllAttribute(List.of(attrs)).build();
  }

  private static OnnxMl.AttributeProto ints(String name, long... v) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static OnnxMl.ValueInfoProto info(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(s))).build();
  }
}
