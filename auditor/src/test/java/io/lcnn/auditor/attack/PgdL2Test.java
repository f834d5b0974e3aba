package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.assertBrokenAreMisclassified;
import static io.lcnn.auditor.attack.AttackTestSupport.assertInBallAndRange;
import static io.lcnn.auditor.attack.AttackTestSupport.linearDistance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PgdL2Test {

  @Test
  void adversarialPointsStayInBallAndRangeAndBrokenOnesAreMisclassified() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 2);
    PgdL2 pgd = new PgdL2(20, 2.5, 2, true, 3, InputRange.UNIT);
    for (double eps : new double[] {0.05, 0.2, 1.0}) {
      AttackOutcome o = pgd.run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
      assertInBallAndRange(data.inputs(), o.adversarial(), eps, InputRange.UNIT);
      assertBrokenAreMisclassified(oracle, o, data.labels());
    }
  }

  @Test
  void oneOracleCallPerStepServesTheWholeBatch() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 30, 8, 2);
    oracle.gradientCalls = 0;
    oracle.forwardCalls = 0;
    new PgdL2(10, 2.5, 1, true, 3, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), 0.05, Attack.consecutive(0, data.size()), n -> {});
    assertEquals(10, oracle.gradientCalls);
    assertEquals(1, oracle.forwardCalls);
  }

  @Test
  void breaksEverySampleCloserThanEpsToTheLinearDecisionBoundaryAndNoFartherOne() {
    // two classes: the loss gradient points along w_y − w_k, the shortest way to the boundary
    TanhMlp linear = TanhMlp.random(64, 0, 2, 3.0, 11);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 200, 8, 12);
    InputRange wide = new InputRange(-100, 100);
    double eps = 0.15;
    AttackOutcome o = new PgdL2(50, 2.5, 1, true, 5, wide).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    int checkedNear = 0;
    for (int i = 0; i < data.size(); i++) {
      double dist = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      if (dist < 0.98 * eps) {
        assertTrue(o.broken()[i], "sample " + i + " at distance " + dist + " from the boundary survived ε=" + eps);
        checkedNear++;
      } else if (dist > eps) {
        assertFalse(o.broken()[i], "sample " + i + " at distance " + dist + " > ε was reported broken");
      }
    }
    assertTrue(checkedNear >= 20, "too few samples near the boundary to test: " + checkedNear);
  }

  @Test
  void randomStartIsUniformInTheBall() {
    int d = 50;
    int n = 4000;
    double eps = 0.3;
    float[] x = new float[n * d];
    float[] out = new float[n * d];
    SplittableRandom rng = new SplittableRandom(9);
    RandomStarts.inBall(i -> rng, x, out, n, d, eps, new InputRange(-10, 10));
    double[] u = new double[n];
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      double r = L2Ball.norm(out, i * d, d);
      assertTrue(r <= eps + 1e-7);
      u[i] = Math.pow(r / eps, d);
      for (int j = 0; j < d; j++) {
        mean[j] += out[i * d + j] / (r * n);
      }
    }
    assertTrue(ks(u) < 1.36 / Math.sqrt(n), "(r/ε)^d is not uniform on [0,1]: KS statistic " + ks(u));
    for (double m : mean) {
      assertTrue(Math.abs(m) < 4 / Math.sqrt((double) n * d), "direction mean " + m + " is not centred");
    }
  }

  /** Kolmogorov–Smirnov distance of a sample from U(0,1). */
  static double ks(double[] u) {
    double[] s = u.clone();
    java.util.Arrays.sort(s);
    double dmax = 0;
    for (int i = 0; i < s.length; i++) {
      dmax = Math.max(dmax, Math.max((i + 1.0) / s.length - s[i], s[i] - (double) i / s.length));
    }
    return dmax;
  }

  @Test
  void projectionClipsIntoTheRangeWithoutLeavingTheBall() {
    float[] x = {0.0f, 1.0f, 0.5f};
    float[] adv = {-3f, 5f, 0.5f};
    L2Ball.projectAndClip(x, adv, 0, 3, 0.5, InputRange.UNIT);
    assertTrue(L2Ball.distance(adv, x, 0, 3) <= 0.5);
    assertEquals(0f, adv[0]);
    assertEquals(1f, adv[1]);
  }
}
