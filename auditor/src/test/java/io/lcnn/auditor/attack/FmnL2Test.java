package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.linearDistance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import org.junit.jupiter.api.Test;

class FmnL2Test {

  @Test
  void neverUndercutsTheClosedFormDistanceToALinearBoundaryAndMatchesItOnNineInTenSamples() {
    TanhMlp linear = TanhMlp.random(64, 0, 4, 3.0, 11);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 50, 8, 12);
    FmnL2.Result r = FmnL2.withDefaults(200, 3, new InputRange(-100, 100)).run(oracle, data.inputs(), data.labels(), Attack.consecutive(0, data.size()), n -> {});
    int[] pred = oracle.forward(r.adversarial(), data.labels()).predictions();
    double worst = 0;
    double[] excess = new double[data.size()];
    for (int i = 0; i < data.size(); i++) {
      double exact = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      assertTrue(Double.isFinite(r.radius()[i]), "sample " + i + " not broken");
      assertNotEquals(data.labels()[i], pred[i], "sample " + i + ": the kept point is not adversarial");
      assertTrue(r.radius()[i] >= exact * (1 - 1e-5), "sample " + i + ": " + r.radius()[i] + " below the true distance " + exact);
      worst = Math.max(worst, r.radius()[i] / exact - 1);
      excess[i] = r.radius()[i] / exact - 1;
    }
    java.util.Arrays.sort(excess);
    System.out.println("FMN on a linear model: excess over the exact distance " + java.util.Arrays.toString(excess));
    assertTrue(excess[excess.length / 2] < 1e-4, "median relative excess " + excess[excess.length / 2]);
    assertTrue(excess[(int) (0.9 * excess.length)] < 0.05, "90th percentile of the relative excess " + excess[(int) (0.9 * excess.length)]);
    // FMN heads for the runner-up class's boundary, which need not be the nearest one
    assertTrue(worst < 0.25, "largest relative excess " + worst);
  }

  @Test
  void costsOneStackedGradientCallPerStepAndItsForwardCalls() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 12, 8, 2);
    oracle.gradientCalls = 0;
    int[] reported = {0};
    FmnL2 fmn = FmnL2.withDefaults(30, 0, InputRange.UNIT);
    fmn.run(oracle, data.inputs(), data.labels(), Attack.consecutive(0, data.size()), k -> reported[0] += k);
    assertEquals(30, oracle.gradientCalls);
    assertEquals(fmn.maxOracleCalls(), reported[0]);
  }
}
