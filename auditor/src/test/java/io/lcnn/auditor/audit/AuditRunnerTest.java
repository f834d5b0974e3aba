package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRunnerTest {
  private static final int N = 4;
  private final ReferenceModel ref = ReferenceModel.named("cnn_softmax_normalized");
  private final ByteArrayOutputStream noticeBytes = new ByteArrayOutputStream();
  private final PrintStream notices = new PrintStream(noticeBytes, true, StandardCharsets.UTF_8);

  private AuditData data() {
    return new AuditData(
        new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "inputs.npy"), "inputs.npy", "labels.npy",
        new LabeledData(ref.array("train_inputs.npy"), ref.labels("train_labels.npy"), "train_inputs.npy"),
        "train_inputs.npy", "train_labels.npy");
  }

  private AuditRunner runner(AuditOptions options, OracleFactory exact, List<AuditExtension> ext) {
    return new AuditRunner(options, exact, ext, notices, ProgressListener.NONE, "lcnn test");
  }

  @Test
  void finiteDifferenceAuditMatchesTorchReferenceGeometry() {
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(N).withGradients(GradientMode.FINITE_DIFFERENCE);
    AuditResult r = runner(o, new ExactOracleFactory(), List.of()).run(ref.model(), data(), null, null).result();
    assertEquals("finite-difference", r.model().gradientMode());
    assertEquals("finite-difference", r.model().hvpMode());
    assertEquals("probabilities", r.model().outputKind());
    assertEquals(10, r.model().numClasses());
    assertEquals(1, r.model().fallbackReasons().size());
    assertEquals(64, r.model().sha256().length());
    for (String split : List.of("test", "train")) {
      double[] loss = ref.values(split, "loss");
      double[] grad = ref.values(split, "grad_norm");
      double[] hess = ref.values(split, "hessian_spectral_norm");
      List<SampleGeometry> s = r.splits().get(split).samples();
      assertEquals(N, s.size());
      for (int i = 0; i < N; i++) {
        assertEquals(loss[i], s.get(i).loss(), 1e-5 * loss[i] + 1e-6, split + " loss " + i);
        assertEquals(grad[i], s.get(i).gradNorm(), 3e-3 * grad[i], split + " grad norm " + i);
        assertEquals(hess[i], s.get(i).hessianSpectralNorm(), 0.01 * hess[i], split + " Hessian norm " + i);
        assertEquals(hess[i] / (grad[i] + 1e-6), s.get(i).curvature(), 0.015 * hess[i] / grad[i], split + " curvature " + i);
      }
    }
    var test = r.splits().get("test").summary();
    var train = r.splits().get("train").summary();
    assertEquals(Math.abs((test.curvature().mean() - train.curvature().mean()) / test.curvature().mean()),
        r.trainTestDiscrepancy().curvature(), 1e-12);
    assertNotNull(r.selfCheck());
    assertTrue(r.selfCheck().gradientMaxRelativeDifference() < 1e-2, "gradient self-check " + r.selfCheck());
    assertTrue(noticeBytes.toString(StandardCharsets.UTF_8).isEmpty(), "no fallback notice when FD is asked for");
  }

  @Test
  void autoModeFallsBackToFiniteDifferencesWithAOneLineRecordedReason() {
    OracleFactory refusing = (m, rt, k) -> {
      throw new ExactOraclesUnavailableException("unsupported ops: node 'n7' (Einsum)");
    };
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(1).withSelfCheckSamples(1);
    AuditResult r = runner(o, refusing, List.of()).run(ref.model(), data(), null, null).result();
    assertEquals(List.of("unsupported ops: node 'n7' (Einsum)"), r.model().fallbackReasons());
    assertEquals("finite-difference", r.model().gradientMode());
    String printed = noticeBytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.contains("Einsum"));
  }

  @Test
  void exactModeRefusesAModelTheExactFactoryCannotDifferentiate() {
    OracleFactory refusing = (m, rt, k) -> {
      throw new ExactOraclesUnavailableException("unsupported ops: node 'n7' (Einsum)");
    };
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(1).withSelfCheckSamples(1).withGradients(GradientMode.EXACT);
    var e = assertThrows(ModelLoadException.class, () -> runner(o, refusing, List.of()).run(ref.model(), data(), null, null));
    assertTrue(e.getMessage().contains("Einsum"));
  }

  @Test
  void injectedExactOraclesAreUsedWithoutFallbackAndExtensionsSeeThem() {
    OracleFactory fd = FiniteDifferenceOracleFactory.defaults();
    OracleFactory exact = (m, rt, k) -> {
      OracleSet s = fd.create(m, rt, k);
      return new OracleSet(relabel(s.gradient()), relabel(s.hvp()), s.resources());
    };
    String[] seen = new String[1];
    AuditExtension ext = (ctx, result) -> {
      seen[0] = ctx.gradient().mode() + "/" + ctx.test().size();
      return result;
    };
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(1).withSelfCheckSamples(1);
    AuditResult r = runner(o, exact, List.of(ext)).run(ref.model(), data(), null, null).result();
    assertEquals("exact", r.model().gradientMode());
    assertTrue(r.model().fallbackReasons().isEmpty());
    assertEquals("exact/1", seen[0]);
    assertNull(r.attacks());
  }

  @Test
  void hvpProbeProductsMatchTheReferenceDirectionally() {
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(2).withSelfCheckSamples(0).withGradients(GradientMode.FINITE_DIFFERENCE)
        .withEigen("lanczos", 1, 1e-3);
    AuditOutcome out = runner(o, new ExactOracleFactory(), List.of())
        .run(ref.model(), data(), ref.array("probe.npy"), "probe.npy");
    assertEquals(2, out.hvpProducts().batchSize());
    assertEquals(2, out.testGradients().batchSize());
    FloatTensor grads = ref.array("grads.npy");
    for (int i = 0; i < 2; i++) {
      assertTrue(ReferenceModel.relativeError(out.testGradients(), grads, i) < 3e-3);
    }
  }

  @Test
  void badInputsAreRefusedBeforeAnyWorkWithOneLineMessages() {
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withGradients(GradientMode.FINITE_DIFFERENCE);
    OnnxModelFile m = ref.model();
    FloatTensor x = ref.array("inputs.npy");
    int[] y = ref.labels("labels.npy");

    FloatTensor flat = x.reshape(x.batchSize(), 784);
    var shape = assertThrows(InvalidInputException.class,
        () -> runner(o, new ExactOracleFactory(), List.of()).run(m, AuditData.testOnly(new LabeledData(flat, y, "x"), "x.npy", "y.npy"), null, null));
    assertTrue(shape.getMessage().startsWith("x.npy: sample shape [784]"), shape.getMessage());

    FloatTensor nan = x.copy();
    nan.data()[5 * 784 + 3] = Float.NaN;
    var nanErr = assertThrows(InvalidInputException.class,
        () -> runner(o, new ExactOracleFactory(), List.of()).run(m, AuditData.testOnly(new LabeledData(nan, y, "x"), "x.npy", "y.npy"), null, null));
    assertTrue(nanErr.getMessage().contains("sample 5"), nanErr.getMessage());

    int[] bad = y.clone();
    bad[7] = 10;
    var label = assertThrows(InvalidInputException.class,
        () -> runner(o, new ExactOracleFactory(), List.of()).run(m, AuditData.testOnly(new LabeledData(x, bad, "x"), "x.npy", "y.npy"), null, null));
    assertTrue(label.getMessage().startsWith("y.npy: label 10 of sample 7"), label.getMessage());

    for (String msg : List.of(shape.getMessage(), nanErr.getMessage(), label.getMessage())) {
      assertFalse(msg.contains("\n"), msg);
    }
  }

  private static GradientOracle relabel(GradientOracle g) {
    return new GradientOracle() {
      @Override
      public GradientResult gradient(FloatTensor x, int[] labels) {
        return g.gradient(x, labels);
      }

      @Override
      public ForwardResult forward(FloatTensor x, int[] labels) {
        return g.forward(x, labels);
      }

      @Override
      public String mode() {
        return "exact";
      }
    };
  }

  private static HvpOracle relabel(HvpOracle h) {
    return new HvpOracle() {
      @Override
      public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
        return h.hvp(x, labels, v);
      }

      @Override
      public String mode() {
        return "exact";
      }
    };
  }
}
