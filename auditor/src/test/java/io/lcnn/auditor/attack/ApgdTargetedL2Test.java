package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.assertBrokenAreMisclassified;
import static io.lcnn.auditor.attack.AttackTestSupport.assertInBallAndRange;
import static io.lcnn.auditor.attack.AttackTestSupport.linearDistance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ApgdTargetedL2Test {

  @Test
  void theTargetedDlrGradientMatchesCentralDifferencesOfTheLossInDoublePrecision() {
    TanhMlp mlp = TanhMlp.random(16, 12, 6, 2.0, 3);
    MlpOracle oracle = new MlpOracle(mlp);
    LabeledData data = SyntheticData.labelledBy(oracle, 6, 4, 4);
    int n = data.size();
    int d = data.inputs().sampleSize();
    int[] y = data.labels();
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = (y[i] + 1) % 6;
    }
    TargetedDlr dlr = new TargetedDlr(oracle, y, t);
    dlr.evaluate(data.inputs(), k -> {});
    ApgdLoss.Evaluation e = dlr.evaluate(data.inputs(), k -> {});
    double h = 1e-5;
    for (int i = 0; i < n; i++) {
      double[] fd = new double[d];
      for (int j = 0; j < d; j++) {
        float[] plus = Arrays.copyOfRange(data.inputs().data(), i * d, (i + 1) * d);
        double[] xp = new double[d];
        double[] xm = new double[d];
        for (int k = 0; k < d; k++) {
          xp[k] = plus[k];
          xm[k] = plus[k];
        }
        xp[j] += h;
        xm[j] -= h;
        fd[j] = (dlr(mlp, xp, y[i], t[i]) - dlr(mlp, xm, y[i], t[i])) / (2 * h);
      }
      double[] x = new double[d];
      for (int k = 0; k < d; k++) {
        x[k] = data.inputs().data()[i * d + k];
      }
      assertEquals(dlr(mlp, x, y[i], t[i]), e.loss()[i], 1e-5 * (1 + Math.abs(e.loss()[i])), "loss of sample " + i);
      for (int j = 0; j < d; j++) {
        assertEquals(fd[j], e.gradient()[i * d + j], 1e-4 * (1 + Math.abs(fd[j])), "sample " + i + " coordinate " + j);
      }
    }
  }

  @Test
  void pointsStayInBallAndRangeAndBrokenOnesAreMisclassified() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 5, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 30, 8, 2);
    for (double eps : new double[] {0.05, 0.3}) {
      AttackOutcome o = new ApgdTargetedL2(15, 4, 3, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
      assertInBallAndRange(data.inputs(), o.adversarial(), eps, InputRange.UNIT);
      assertBrokenAreMisclassified(oracle, o, data.labels());
    }
  }

  @Test
  void withEveryOtherClassAsTargetItBreaksEverySampleCloserThanEpsToTheLinearBoundary() {
    TanhMlp linear = TanhMlp.random(64, 0, 4, 3.0, 11);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 100, 8, 12);
    double eps = 0.15;
    AttackOutcome o = new ApgdTargetedL2(50, 3, 5, new InputRange(-100, 100)).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    int near = 0;
    for (int i = 0; i < data.size(); i++) {
      double dist = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      if (dist < 0.98 * eps) {
        near++;
        assertTrue(o.broken()[i], "sample " + i + " at distance " + dist + " survived ε=" + eps);
      }
    }
    assertTrue(near > 5, "the test needs samples near the boundary, found " + near);
  }

  @Test
  void costsTheRankingCallAndOneStackedCallPerStepPerTarget() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 5, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 10, 8, 2);
    oracle.gradientCalls = 0;
    oracle.forwardCalls = 0;
    ApgdTargetedL2 a = new ApgdTargetedL2(10, 2, 3, InputRange.UNIT);
    int[] reported = {0};
    a.run(oracle, data.inputs(), data.labels(), 1e-4, Attack.consecutive(0, data.size()), k -> reported[0] += k);
    assertEquals(2 * 11, oracle.gradientCalls);
    assertEquals(1 + 2, oracle.forwardCalls);
    assertEquals(a.maxOracleCalls(), reported[0]);
  }

  /** −(z_y − z_t)/(z_π1 − ½(z_π3 + z_π4)), from the model's double-precision logits. */
  private static double dlr(TanhMlp mlp, double[] x, int y, int t) {
    double[] z = mlp.logitsDouble(x);
    double[] s = z.clone();
    Arrays.sort(s);
    int k = s.length;
    return -(z[y] - z[t]) / (s[k - 1] - 0.5 * (s[k - 3] + s[k - 4]) + 1e-12);
  }

}
