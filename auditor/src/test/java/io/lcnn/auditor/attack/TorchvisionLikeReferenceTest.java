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
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * l2 PGD on the ConvNeXt- and MobileNetV3-like colour classifiers of
 * {@code fixtures/attack-reference} against a plain float64 PyTorch PGD with the same budget (50
 * steps, step 2.5·ε/50, 3 restarts): the auditor's PGD must break at least as many samples at
 * every ε (the weakness issue 14 reports on torchvision's models).
 */
class TorchvisionLikeReferenceTest {
  private static final List<Double> EPS = List.of(0.05, 0.1, 0.2, 0.5);

  private static Path dir() {
    return Path.of(System.getProperty("lcnn.fixtures"), "attack-reference");
  }

  static LabeledData data() {
    return new LabeledData(Npy.readFloats(dir().resolve("inputs.npy")), Npy.readLabels(dir().resolve("labels.npy")),
        "attack-reference/inputs.npy");
  }

  static ExactOracles engine(String model) {
    OnnxModelFile m = OnnxModelFile.load(dir().resolve(model).resolve("model.onnx"));
    return ExactOracles.create(m, OrtRuntime.cpu(2), OutputKind.detect(m));
  }

  static JsonNode reference(String model) throws IOException {
    return new ObjectMapper().readTree(dir().resolve(model).resolve("reference.json").toFile()).get("pgd_l2_accuracy");
  }

  @ParameterizedTest
  @ValueSource(strings = {"convnext_tiny_like", "mobilenetv3_like"})
  void pgdWithTheReferenceBudgetIsAtMostThePlainTorchPgd(String model) throws IOException {
    RobustnessSettings s = RobustnessSettings.defaults().withAttack(AttackKind.PGD).withSteps(50).withRestarts(3)
        .withSeed(0).withEps(EPS).withBatchSize(128);
    JsonNode ref = reference(model);
    AttackSuite.Outcome o;
    try (ExactOracles engine = engine(model)) {
      o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), s.batchSize()).run(engine.gradient(), data(), n -> {});
    }
    assertEquals(ref.get("clean_accuracy").asDouble(), o.cleanAccuracy(), 1e-9, model + " clean accuracy");
    for (int e = 0; e < EPS.size(); e++) {
      double want = ref.get(String.valueOf(EPS.get(e))).asDouble();
      double got = o.accuracy("pgd", e);
      System.out.printf("%s ε=%s: pgd %.4f plain torch PGD %.4f%n", model, EPS.get(e), got, want);
      assertTrue(got <= want + 1e-9, model + " ε=" + EPS.get(e) + ": " + got + " vs plain torch PGD " + want);
    }
  }
}
