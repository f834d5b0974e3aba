package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lcnn's attacks against a plain float64 PyTorch l2 PGD (torchattacks' PGDL2: start radius uniform
 * in [0, ε], 50 steps of 2.5·ε/50, final iterate, 3 restarts) on the 3×32×32 ConvNeXt- and
 * MobileNetV3-like classifiers of {@code fixtures/attack-reference} (issue 14, item 2). The
 * reference stores each sample's outcome, so a test can use the first samples only.
 */
class PlainPytorchPgdReferenceTest {
  private static final List<Double> EPS = List.of(0.05, 0.1, 0.2, 0.5);

  private static Path dir() {
    return Path.of(System.getProperty("lcnn.fixtures"), "attack-reference");
  }

  private static LabeledData data(int n) {
    LabeledData all = new LabeledData(Npy.readFloats(dir().resolve("inputs.npy")), Npy.readLabels(dir().resolve("labels.npy")),
        "attack-reference/inputs.npy");
    return all.head(n);
  }

  /** Per ε, the reference's robust accuracy on the first {@code n} samples. */
  private static double[] referenceAccuracy(String model, int n) throws IOException {
    JsonNode broken = new ObjectMapper().readTree(dir().resolve(model).resolve("reference.json").toFile()).get("pgd_l2_broken");
    double[] out = new double[EPS.size()];
    for (int e = 0; e < EPS.size(); e++) {
      JsonNode b = broken.get(String.valueOf(EPS.get(e)));
      int standing = 0;
      for (int i = 0; i < n; i++) {
        standing += b.get(i).asInt() == 0 ? 1 : 0;
      }
      out[e] = (double) standing / n;
    }
    return out;
  }

  private static AttackSuite.Outcome attack(String model, RobustnessSettings s, LabeledData data) {
    OnnxModelFile m = OnnxModelFile.load(dir().resolve(model).resolve("model.onnx"));
    try (ExactOracles engine = ExactOracles.create(m, OrtRuntime.cpu(2), OutputKind.detect(m))) {
      return new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), s.batchSize()).run(engine.gradient(), data, n -> {});
    }
  }

  private static RobustnessSettings pgdSettings() {
    return RobustnessSettings.defaults().withAttack(AttackKind.PGD).withSteps(50).withRestarts(3).withSeed(0).withEps(EPS)
        .withBatchSize(64);
  }

  /**
   * Issue 14 item 2's evidence: lcnn's PGD with the reference's budget (50 steps × 3 restarts, step
   * 2.5·ε/50) on all 64 samples is never above the plain PyTorch PGD (7–37 s per model on the
   * shared machine).
   */
  @ParameterizedTest
  @ValueSource(strings = {"convnext_tiny_like", "mobilenetv3_like"})
  void lcnnPgdWithThePlainPytorchBudgetIsNeverAboveThePlainPytorchPgdOnAll64Samples(String model) throws IOException {
    AttackSuite.Outcome pgd = attack(model, pgdSettings(), data(64));
    double[] ref = referenceAccuracy(model, 64);
    JsonNode clean = new ObjectMapper().readTree(dir().resolve(model).resolve("reference.json").toFile()).get("pgd_l2_accuracy");
    assertEquals(clean.get("clean_accuracy").asDouble(), pgd.cleanAccuracy(), 1e-9, model + " clean accuracy");
    for (int e = 0; e < EPS.size(); e++) {
      System.out.printf("%s all 64, ε=%s: lcnn pgd %.4f, PyTorch pgd %.4f%n", model, EPS.get(e), pgd.worstCaseAccuracy(e), ref[e]);
      assertTrue(pgd.worstCaseAccuracy(e) <= ref[e] + 1e-9, model + " ε=" + EPS.get(e) + ": lcnn pgd above the PyTorch PGD");
    }
  }

  /**
   * AutoAttack's order at a CI-sized budget (APGD-CE 10 steps, APGD-T and FAB-T 2 targets × 10
   * steps, Square 100 queries) on the first 16 samples: never above the plain PyTorch PGD at its
   * full budget (50 steps × 3 restarts).
   */
  @ParameterizedTest
  @ValueSource(strings = {"convnext_tiny_like", "mobilenetv3_like"})
  void autoattackAtACiBudgetOnTheFirst16SamplesIsNeverAboveThePlainPytorchPgd(String model) throws IOException {
    int n = 16;
    RobustnessSettings s = pgdSettings().withAttack(AttackKind.AUTOATTACK).withRestarts(1).withSteps(10).withTargets(2)
        .withSquareQueries(100);
    AttackSuite.Outcome auto = attack(model, s, data(n));
    double[] ref = referenceAccuracy(model, n);
    for (int e = 0; e < EPS.size(); e++) {
      System.out.printf("%s first %d, ε=%s: autoattack %.4f (after apgd %.4f, apgd-t %.4f, fab-t %.4f), PyTorch pgd %.4f%n",
          model, n, EPS.get(e), auto.worstCaseAccuracy(e), auto.accuracy("apgd", e), auto.accuracy("apgd-t", e),
          auto.accuracy("fab-t", e), ref[e]);
      assertTrue(auto.worstCaseAccuracy(e) <= ref[e] + 1e-9, model + " ε=" + EPS.get(e) + ": autoattack above the PyTorch PGD");
    }
  }
}
