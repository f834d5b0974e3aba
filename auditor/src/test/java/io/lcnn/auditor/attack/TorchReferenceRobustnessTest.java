package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.masking.MaskingChecks;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.stability.GradientStabilityProbe;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The robustness probes on the exact gradient engine against the PyTorch float64 references of
 * every model in {@code fixtures/torch-reference} (issue 4's "done when").
 */
class TorchReferenceRobustnessTest {
  private static final List<Double> REFERENCE_EPS = List.of(0.05, 0.1, 0.15, 0.2, 0.5, 1.0);

  private static Path dir(String model) {
    return Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", model);
  }

  private static ExactOracles engine(String model) {
    OnnxModelFile m = OnnxModelFile.load(dir(model).resolve("model.onnx"));
    return ExactOracles.create(m, OrtRuntime.cpu(2), OutputKind.detect(m));
  }

  private static JsonNode reference(String model) throws IOException {
    return new ObjectMapper().readTree(dir(model).resolve("reference.json").toFile());
  }

  private static LabeledData pgdData(String model) {
    return new LabeledData(
        Npy.readFloats(dir(model).resolve("pgd_inputs.npy")), Npy.readLabels(dir(model).resolve("pgd_labels.npy")), model + "/pgd_inputs.npy");
  }

  private static LabeledData testData(String model) {
    return new LabeledData(
        Npy.readFloats(dir(model).resolve("inputs.npy")), Npy.readLabels(dir(model).resolve("labels.npy")), model + "/inputs.npy");
  }

  /** Runs of the reference settings per model, shared by the two accuracy tests. */
  private static final java.util.Map<String, AttackSuite.Outcome> REFERENCE_RUNS = new java.util.concurrent.ConcurrentHashMap<>();

  private static RobustnessSettings referenceSettings() {
    return RobustnessSettings.defaults()
        .withAttack(AttackKind.PGD).withSteps(50).withRestarts(3).withSeed(0).withEps(REFERENCE_EPS).withBatchSize(100);
  }

  private static AttackSuite.Outcome attack(String model, RobustnessSettings s) {
    try (ExactOracles engine = engine(model)) {
      return new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), s.batchSize()).run(engine.gradient(), pgdData(model), n -> {});
    }
  }

  private static AttackSuite.Outcome referenceRun(String model) {
    return REFERENCE_RUNS.computeIfAbsent(model, m -> attack(m, referenceSettings()));
  }

  private static void assertAtMostAboveReference(String model, AttackSuite.Outcome o, List<Double> eps, double slack) throws IOException {
    JsonNode ref = reference(model).get("pgd_l2_accuracy");
    assertEquals(ref.get("clean_accuracy").asDouble(), o.cleanAccuracy(), 1e-9, model + " clean accuracy");
    for (double e : eps) {
      int index = o.eps().indexOf(e);
      double want = ref.get(String.valueOf(e)).asDouble();
      double got = o.worstCaseAccuracy(index);
      System.out.printf("%s ε=%s: ours %.3f reference %.3f%n", model, e, got, want);
      assertTrue(got <= want + slack, model + " ε=" + e + ": " + got + " vs reference " + want);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void pgdWithTheReferenceSettingsIsAtMostTwoPointsAboveTheReference(String model) throws IOException {
    assertEquals(2.5, referenceSettings().stepSizeFactor());
    assertAtMostAboveReference(model, referenceRun(model), REFERENCE_EPS, 0.02);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void theDefaultAttackIsAtMostThreePointsAboveTheReference(String model) throws IOException {
    RobustnessSettings d = RobustnessSettings.defaults().withBatchSize(100);
    RobustnessSettings r = referenceSettings();
    boolean sameAttack = d.attack() == r.attack() && d.steps() == r.steps() && d.stepSizeFactor() == r.stepSizeFactor()
        && d.restarts() == r.restarts() && d.seed() == r.seed() && REFERENCE_EPS.containsAll(d.eps());
    // with today's defaults the reference run is the default run at the default radii
    AttackSuite.Outcome o = sameAttack ? referenceRun(model) : attack(model, d);
    assertAtMostAboveReference(model, o, d.eps(), 0.03);
  }

  /**
   * Tagged {@code slow} (excluded from {@code mvn verify}; run it with
   * {@code -Dlcnn.test.excludedGroups=none -Dgroups=slow}): on the shared 2-core machine it did not finish within 20
   * minutes, which the CI suite cannot afford.
   */
  @org.junit.jupiter.api.Tag("slow")
  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void autoattackAtAReducedBudgetIsNeverAboveTheReferenceNorAbovePgd(String model) throws IOException {
    // AutoAttack's order at a CI-sized budget: APGD-CE 50 steps, APGD-T and FAB-T 3 targets x 50 steps, Square 1,000 queries
    RobustnessSettings s = referenceSettings().withAttack(AttackKind.parse("autoattack")).withRestarts(1)
        .withTargets(3).withSquareQueries(1000);
    AttackSuite.Outcome auto = attack(model, s);
    AttackSuite.Outcome pgd = referenceRun(model);
    JsonNode ref = reference(model).get("pgd_l2_accuracy");
    for (int e = 0; e < REFERENCE_EPS.size(); e++) {
      double a = auto.worstCaseAccuracy(e);
      double want = ref.get(String.valueOf(REFERENCE_EPS.get(e))).asDouble();
      System.out.printf("%s ε=%s: autoattack %.3f (after apgd %.3f, apgd-t %.3f, fab-t %.3f) pgd %.3f reference %.3f%n", model,
          REFERENCE_EPS.get(e), a, auto.accuracy("apgd", e), auto.accuracy("apgd-t", e), auto.accuracy("fab-t", e),
          pgd.worstCaseAccuracy(e), want);
      assertTrue(a <= want + 1e-9, model + " ε=" + REFERENCE_EPS.get(e) + ": autoattack " + a + " above the reference " + want);
      assertTrue(a <= pgd.worstCaseAccuracy(e) + 1e-9, model + " ε=" + REFERENCE_EPS.get(e) + ": autoattack " + a + " above pgd");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void relativeGradientChangeMatchesTheReferenceWithItsNoiseDirections(String model) throws IOException {
    JsonNode rgc = reference(model).get("relative_gradient_change");
    FloatTensor noise = Npy.readFloats(dir(model).resolve("noise.npy"));
    try (ExactOracles engine = engine(model)) {
      GradientOracle oracle = engine.gradient();
      GradientStability s = new GradientStabilityProbe(List.of(1e-3, 1e-2, 1e-1), 1, 0, 32)
          .run(oracle, engine.hvp(), testData(model), null, noise, "noise.npy", n -> {});
      for (GradientStability.RadiusStability rs : s.radii()) {
        JsonNode ref = rgc.get(String.valueOf(rs.radius()));
        double worst = 0;
        for (int i = 0; i < ref.size(); i++) {
          double want = ref.get(i).asDouble();
          worst = Math.max(worst, Math.abs(rs.perSample().get(i) - want) / want);
          assertEquals(want, rs.perSample().get(i), 1e-2 * want, model + " r=" + rs.radius() + " sample " + i);
        }
        System.out.printf("%s r=%s: largest relative error %.2e%n", model, rs.radius(), worst);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void theReferenceModelsPassEveryMaskingCheck(String model) throws IOException {
    JsonNode test = reference(model).get("test");
    double[] gradNorm = doubles(test.get("grad_norm"));
    double[] hessNorm = doubles(test.get("hessian_spectral_norm"));
    LabeledData data = testData(model);
    RobustnessSettings s = RobustnessSettings.defaults();
    try (ExactOracles engine = engine(model)) {
      GradientOracle oracle = engine.gradient();
      AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), s.batchSize()).run(oracle, data, n -> {});
      List<MaskingCheck> checks = new MaskingChecks(s, InputRange.UNIT).run(oracle, data, o, gradNorm, hessNorm, n -> {});
      assertEquals(9, checks.size());
      for (MaskingCheck c : checks) {
        System.out.println(model + " " + c.name() + " " + c.passed() + " " + c.figure() + " / " + c.threshold());
        assertTrue(c.passed(), model + ": " + c);
      }
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] v = new double[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).asDouble();
    }
    return v;
  }

  @org.junit.jupiter.api.Test
  void savedAdversarialInputsAreMisclassifiedByTheOriginalModelOnOnnxRuntime(@org.junit.jupiter.api.io.TempDir Path audit)
      throws Exception {
    String model = "cnn_softmax_normalized";
    OnnxModelFile m = OnnxModelFile.load(dir(model).resolve("model.onnx"));
    LabeledData data = testData(model);
    RobustnessSettings s = RobustnessSettings.defaults().withSteps(20).withRestarts(1).withAttack(AttackKind.BOTH)
        .withMaskingSamples(16).withSaveAdversarial(audit.resolve("adv"));
    RobustnessReport r;
    try (ExactOracles engine = engine(model)) {
      r = RobustnessProbes.run(engine.gradient(), engine.hvp(), data, s, null, null, null, audit, n -> {});
    }
    assertEquals("adv", r.attacks().adversarialDir());
    OrtRuntime runtime = OrtRuntime.cpu(1);
    int counted = 0;
    try (ai.onnxruntime.OrtSession session = runtime.open(m.bytes())) {
      for (int e = 0; e < s.eps().size(); e++) {
        double eps = s.eps().get(e);
        FloatTensor adv = Npy.readFloats(audit.resolve("adv").resolve(AdversarialWriter.fileName(eps)));
        assertEquals(java.util.Arrays.toString(data.inputs().shape()), java.util.Arrays.toString(adv.shape()));
        FloatTensor out = io.lcnn.auditor.runtime.TensorIO.run(session, java.util.Map.of(m.inputName(), adv), java.util.Map.of(), List.of(m.outputName())).get(m.outputName());
        int[] pred = new io.lcnn.auditor.oracle.ForwardResult(new float[data.size()], out).predictions();
        int d = data.inputs().sampleSize();
        int robust = 0;
        for (int i = 0; i < data.size(); i++) {
          double dist = 0;
          for (int j = 0; j < d; j++) {
            float v = adv.data()[i * d + j];
            assertTrue(v >= 0f && v <= 1f, "value outside [0,1]");
            dist += Math.pow(v - data.inputs().data()[i * d + j], 2);
          }
          assertTrue(Math.sqrt(dist) <= eps + 1e-5, "sample " + i + " at distance " + Math.sqrt(dist) + " > " + eps);
          Double broken = r.attacks().smallestBreakingEps().get(i);
          boolean countedBroken = broken != null && broken <= eps;
          if (countedBroken) {
            assertTrue(pred[i] != data.labels()[i], model + " ε=" + eps + " sample " + i + " counted as broken");
            counted++;
          } else {
            robust++;
          }
        }
        assertEquals(r.attacks().worstCaseAccuracy().get(String.valueOf(eps)), (double) robust / data.size(), 1e-12);
      }
    }
    assertTrue(counted > 0);
  }
}
