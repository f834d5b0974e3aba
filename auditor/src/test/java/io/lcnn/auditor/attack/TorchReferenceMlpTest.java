package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.stability.GradientStabilityProbe;
import io.lcnn.auditor.testmodels.SoftplusMlpOracle;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the attacks and the stability probe against the PyTorch float64 reference of the
 * fixture {@code torch-reference/mlp_softplus}, using a closed-form oracle of that model (the
 * only fixture simple enough to differentiate by hand; the others wait for the exact engine).
 */
class TorchReferenceMlpTest {
  private static Path dir;
  private static SoftplusMlpOracle oracle;
  private static JsonNode reference;

  @BeforeAll
  static void load() throws Exception {
    dir = Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", "mlp_softplus");
    oracle = new SoftplusMlpOracle(dir.resolve("model.onnx"));
    reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
  }

  private static LabeledData pgdData() {
    return new LabeledData(Npy.readFloats(dir.resolve("pgd_inputs.npy")), Npy.readLabels(dir.resolve("pgd_labels.npy")), "pgd_inputs.npy");
  }

  @Test
  void closedFormOracleReproducesTheReferenceGradients() {
    FloatTensor x = Npy.readFloats(dir.resolve("inputs.npy"));
    int[] y = Npy.readLabels(dir.resolve("labels.npy"));
    FloatTensor g = oracle.gradient(x, y).gradient();
    FloatTensor ref = Npy.readFloats(dir.resolve("grads.npy"));
    int d = x.sampleSize();
    for (int i = 0; i < x.batchSize(); i++) {
      double diff = 0;
      double norm = 0;
      for (int j = 0; j < d; j++) {
        diff += Math.pow(g.data()[i * d + j] - ref.data()[i * d + j], 2);
        norm += Math.pow(ref.data()[i * d + j], 2);
      }
      assertTrue(Math.sqrt(diff) <= 1e-4 * Math.sqrt(norm) + 1e-9, "sample " + i);
    }
  }

  @Test
  void pgdWithTheReferenceSettingsIsAtMostTwoPointsAboveTheReference() {
    JsonNode acc = reference.get("pgd_l2_accuracy");
    List<Double> eps = List.of(0.05, 0.1, 0.15, 0.2, 0.5, 1.0);
    RobustnessSettings s = RobustnessSettings.defaults().withEps(eps).withBatchSize(200);
    AttackSuite suite = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), eps, s.batchSize());
    AttackSuite.Outcome o = suite.run(oracle, pgdData(), n -> {});
    assertEquals(acc.get("clean_accuracy").asDouble(), o.cleanAccuracy(), 1e-9);
    for (int e = 0; e < eps.size(); e++) {
      double ref = acc.get(String.valueOf(eps.get(e))).asDouble();
      double ours = o.accuracy("pgd", e);
      System.out.printf("mlp_softplus ε=%s: ours %.3f reference %.3f%n", eps.get(e), ours, ref);
      assertTrue(ours <= ref + 0.02, "ε=" + eps.get(e) + ": " + ours + " vs reference " + ref);
    }
  }

  @Test
  void relativeGradientChangeMatchesTheReferenceWithItsNoiseDirections() {
    LabeledData test = new LabeledData(Npy.readFloats(dir.resolve("inputs.npy")), Npy.readLabels(dir.resolve("labels.npy")), "inputs.npy");
    FloatTensor noise = Npy.readFloats(dir.resolve("noise.npy"));
    JsonNode rgc = reference.get("relative_gradient_change");
    List<Double> radii = List.of(1e-3, 1e-2, 1e-1);
    GradientStability s = new GradientStabilityProbe(radii, 1, 0, 32).run(oracle, test, null, noise, "noise.npy", n -> {});
    for (GradientStability.RadiusStability rs : s.radii()) {
      JsonNode ref = rgc.get(String.valueOf(rs.radius()));
      for (int i = 0; i < test.size(); i++) {
        double want = ref.get(i).asDouble();
        assertEquals(want, rs.perSample().get(i), 1e-2 * want, "r=" + rs.radius() + " sample " + i);
      }
    }
  }

  @Test
  void theReferenceModelPassesEveryMaskingCheck() {
    LabeledData test = new LabeledData(Npy.readFloats(dir.resolve("inputs.npy")), Npy.readLabels(dir.resolve("labels.npy")), "inputs.npy");
    double[] gradNorm = doubles(reference.get("test").get("grad_norm"));
    double[] hessNorm = doubles(reference.get("test").get("hessian_spectral_norm"));
    RobustnessSettings s = RobustnessSettings.defaults();
    AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), s.batchSize()).run(oracle, test, n -> {});
    List<io.lcnn.auditor.result.MaskingCheck> checks =
        new io.lcnn.auditor.masking.MaskingChecks(s, InputRange.UNIT).run(oracle, test, o, gradNorm, hessNorm, n -> {});
    assertEquals(9, checks.size());
    for (var c : checks) {
      System.out.println("mlp_softplus " + c.name() + " " + c.passed() + " " + c.figure() + " / " + c.threshold());
      assertTrue(c.passed(), c.toString());
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] v = new double[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).asDouble();
    }
    return v;
  }
}
