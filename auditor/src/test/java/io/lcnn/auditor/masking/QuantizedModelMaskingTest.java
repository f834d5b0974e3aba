package io.lcnn.auditor.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.attack.AttackKind;
import io.lcnn.auditor.attack.RobustnessProbes;
import io.lcnn.auditor.attack.RobustnessReport;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ClassificationLoss;
import io.lcnn.auditor.oracle.FiniteDifferenceGradientOracle;
import io.lcnn.auditor.oracle.OnnxModelFunction;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fake-quantized CNN of {@code fixtures/qdq-cnn} (QuantizeLinear/DequantizeLinear on input and
 * activations), audited with finite-difference gradients as the audit's {@code auto} mode does
 * for ops without gradient rules: the robustness probes complete, Square breaks samples the
 * gradient attacks left standing, and the gradient-free check names it.
 */
class QuantizedModelMaskingTest {

  @Test
  void squareBreaksWhatTheGradientAttacksCouldNotAndTheCheckNamesIt() {
    Path dir = Path.of(System.getProperty("lcnn.fixtures"), "qdq-cnn");
    OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
    assertEquals(OutputKind.LOGITS, OutputKind.detect(m));
    OnnxModelFunction f = new OnnxModelFunction(m, OrtRuntime.cpu(1), 4096);
    FiniteDifferenceGradientOracle oracle = new FiniteDifferenceGradientOracle(
        f, new ClassificationLoss(OutputKind.LOGITS), FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP, 4096);
    FloatTensor x = Npy.readFloats(dir.resolve("inputs.npy")).slice(0, 32);
    int[] labels = oracle.forward(x, new int[32]).predictions();
    LabeledData data = new LabeledData(x, labels, "qdq-cnn/inputs.npy");
    RobustnessSettings s = RobustnessSettings.defaults().withAttack(AttackKind.parse("pgd,apgd,square"))
        .withEps(List.of(0.5, 1.0)).withSteps(10).withRestarts(1).withSquareQueries(300).withMinNormSteps(20)
        .withStabilityRadii(List.of(0.01)).withStabilityDirections(1).withMaskingSamples(32).withBatchSize(32);
    RobustnessReport r = RobustnessProbes.run(oracle, data, s, null, null, null, null);
    Map<String, Double> pgd = r.attacks().accuracy().get("pgd");
    Map<String, Double> afterGradients = r.attacks().accuracy().get("apgd");
    Map<String, Double> afterSquare = r.attacks().accuracy().get("square");
    System.out.println("qdq-cnn accuracy after pgd " + pgd + ", after apgd " + afterGradients + ", after square " + afterSquare);
    assertTrue(afterSquare.get("0.5") < afterGradients.get("0.5") - 0.1,
        "at eps 0.5 Square should break at least a tenth of the samples the gradient attacks left standing");
    assertTrue(afterSquare.get("1.0") < afterGradients.get("1.0"),
        "at eps 1.0 Square should break samples the gradient attacks left standing");
    MaskingCheck check = r.maskingChecks().stream().filter(c -> c.name().equals("gradient-free-beats-white-box")).findFirst().orElseThrow();
    System.out.println(check);
    assertFalse(check.passed(), check.toString());
    assertEquals(afterGradients.get("1.0") - afterSquare.get("1.0"), check.figure(), 1e-12);
    MaskingCheck valid = r.maskingChecks().stream().filter(c -> c.name().equals("adversarial-examples-valid")).findFirst().orElseThrow();
    assertTrue(valid.passed(), valid.toString());
  }
}
