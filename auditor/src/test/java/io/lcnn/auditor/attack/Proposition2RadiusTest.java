package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proposition 2's quadratic-model radius, from the float64 PyTorch gradient and Hessian norms of
 * {@code fixtures/torch-reference}, against the smallest breaking radius FMN and PGD find on the
 * 32 test samples: the rank correlation is positive on every model (the figures go to
 * docs/robustness.md).
 */
class Proposition2RadiusTest {

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void theQuadraticModelRadiusRanksSamplesLikeTheSmallestBreakingRadius(String model) throws Exception {
    Path dir = Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", model);
    JsonNode test = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("test");
    double[] g = new double[test.get("grad_norm").size()];
    double[] h = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = test.get("grad_norm").get(i).asDouble();
      h[i] = test.get("hessian_spectral_norm").get(i).asDouble();
    }
    LabeledData data = new LabeledData(Npy.readFloats(dir.resolve("inputs.npy")), Npy.readLabels(dir.resolve("labels.npy")), model);
    OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
    RobustnessSettings s = RobustnessSettings.defaults().withAttack(AttackKind.PGD).withSteps(20).withRestarts(1).withBatchSize(32);
    try (ExactOracles e = ExactOracles.create(m, OrtRuntime.cpu(2), OutputKind.detect(m))) {
      AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), s.eps(), 32).run(e.gradient(), data, n -> {});
      SmallestRadii r = new SmallestRadiusProbe(FmnL2.withDefaults(100, 0, InputRange.UNIT), 32)
          .run(e.gradient(), data, o, g, h, n -> {});
      System.out.printf("%s: Spearman %.3f over %d samples, median radius %s%n", model, r.rankCorrelation(),
          r.rankCorrelationSamples(), r.medianRadius());
      assertEquals(data.size(), r.quadraticModelRadius().size());
      assertTrue(r.rankCorrelationSamples() >= 10, "samples with both radii: " + r.rankCorrelationSamples());
      assertTrue(r.rankCorrelation() > 0, model + ": rank correlation " + r.rankCorrelation());
      List<Double> q = r.quadraticModelRadius();
      for (int i = 0; i < q.size(); i++) {
        assertEquals(o.cleanCorrect()[i], q.get(i) != null, "a radius exactly for the correctly classified samples");
      }
    }
  }
}
