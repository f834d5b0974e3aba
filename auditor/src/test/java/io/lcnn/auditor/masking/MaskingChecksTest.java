package io.lcnn.auditor.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.attack.AttackSuite;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.RoundedInputOracle;
import io.lcnn.auditor.testmodels.SaturatedSoftmaxOracle;
import io.lcnn.auditor.testmodels.ShatteredGradientOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MaskingChecksTest {
  private static final RobustnessSettings SETTINGS = RobustnessSettings.defaults().withSteps(20).withRestarts(1).withMaskingSamples(60);

  static Map<String, MaskingCheck> checks(GradientOracle oracle, LabeledData data) {
    return checks(oracle, data, null, null);
  }

  static Map<String, MaskingCheck> checks(GradientOracle oracle, LabeledData data, double[] gradNorm, double[] hessNorm) {
    AttackSuite suite = new AttackSuite(SETTINGS.attack().attacks(SETTINGS, InputRange.UNIT), SETTINGS.eps(), SETTINGS.batchSize());
    AttackSuite.Outcome o = suite.run(oracle, data, n -> {});
    List<MaskingCheck> list = new MaskingChecks(SETTINGS, InputRange.UNIT).run(oracle, data, o, gradNorm, hessNorm, n -> {});
    list.forEach(c -> System.out.println(oracle.getClass().getSimpleName() + " " + c));
    return list.stream().collect(Collectors.toMap(MaskingCheck::name, c -> c));
  }

  private static TanhMlp model() {
    return TanhMlp.random(64, 32, 6, 6.0, 21);
  }

  @Test
  void aSmoothModelPassesEveryCheck() {
    MlpOracle oracle = new MlpOracle(model());
    Map<String, MaskingCheck> c = checks(oracle, SyntheticData.labelledBy(oracle, 60, 8, 22));
    assertEquals(8, c.size());
    c.values().forEach(m -> assertTrue(m.passed(), m.toString()));
  }

  /** ‖∇f‖ and ‖∇²f‖ per sample of the smooth model, in closed form. */
  private static double[][] norms(TanhMlp m, LabeledData data) {
    int d = data.inputs().sampleSize();
    double[][] out = new double[2][data.size()];
    for (int i = 0; i < data.size(); i++) {
      double[] g = m.lossGradient(data.inputs().data(), i * d, data.labels()[i]);
      double s = 0;
      for (double t : g) {
        s += t * t;
      }
      out[0][i] = Math.sqrt(s);
      out[1][i] = m.hessianNorm(data.inputs().data(), i * d, data.labels()[i]);
    }
    return out;
  }

  @Test
  void aSmoothModelReachesTheQuadraticModelsLossRise() {
    TanhMlp m = model();
    MlpOracle oracle = new MlpOracle(m);
    LabeledData data = SyntheticData.labelledBy(oracle, 60, 8, 22);
    double[][] n = norms(m, data);
    MaskingCheck c = checks(oracle, data, n[0], n[1]).get("loss-rise-vs-quadratic-model");
    assertTrue(c.passed(), c.toString());
  }

  @Test
  void shatteredGradientsTripTheLossRiseAndNoiseChecks() {
    TanhMlp m = model();
    ShatteredGradientOracle oracle = new ShatteredGradientOracle(m);
    LabeledData data = SyntheticData.labelledBy(oracle, 60, 8, 22);
    double[][] n = norms(m, data);
    Map<String, MaskingCheck> c = checks(oracle, data, n[0], n[1]);
    assertFalse(c.get("loss-rise-vs-quadratic-model").passed());
    assertFalse(c.get("pgd-beats-random-noise").passed());
    assertTrue(c.get("gradients-finite-nonzero").passed());
  }

  @Test
  void inputRoundingTripsTheGradientAndLargeEpsChecks() {
    RoundedInputOracle oracle = new RoundedInputOracle(model());
    Map<String, MaskingCheck> c = checks(oracle, SyntheticData.labelledBy(oracle, 60, 8, 22));
    assertFalse(c.get("gradients-finite-nonzero").passed());
    assertEquals(1.0, c.get("gradients-finite-nonzero").figure());
    assertFalse(c.get("large-eps-accuracy-near-zero").passed());
  }

  @Test
  void aSaturatedSoftmaxTripsTheOutputGradientAndAttackChecks() {
    SaturatedSoftmaxOracle oracle = new SaturatedSoftmaxOracle(model(), 1000f);
    Map<String, MaskingCheck> c = checks(oracle, SyntheticData.labelledBy(oracle, 60, 8, 22));
    assertFalse(c.get("outputs-are-logits").passed());
    assertFalse(c.get("gradients-finite-nonzero").passed());
    assertFalse(c.get("large-eps-accuracy-near-zero").passed());
  }
}
