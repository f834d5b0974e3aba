package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallestRadiusProbeTest {

  @Test
  void theLossMarginIsTheCrossEntropyRiseToTheTieWithTheRunnerUpWhenTheOtherLogitsKeepTheirOffsets() {
    double[] z = {2.0, 0.5, -1.0, 1.2};
    int y = 0;
    // move the runner-up (class 3) to a tie with y, the other classes unchanged
    double[] tie = z.clone();
    tie[3] = z[0];
    assertEquals(crossEntropy(tie, y) - crossEntropy(z, y), SmallestRadiusProbe.lossMargin(z, y), 1e-12);
  }

  @Test
  void theQuadraticModelRadiusSolvesProposition2sEquality() {
    double g = 0.7;
    double h = 12.0;
    double delta = 0.3;
    double r = SmallestRadiusProbe.quadraticModelRadius(g, h, delta);
    assertEquals(delta, r * g * (1 + r * h / g), 1e-12);
    assertEquals(delta / g, SmallestRadiusProbe.quadraticModelRadius(g, 0, delta), 1e-12, "no curvature: the linear model");
    assertEquals(Math.sqrt(delta / h), SmallestRadiusProbe.quadraticModelRadius(0, h, delta), 1e-12, "no gradient");
  }

  @Test
  void theCurveAndMedianFollowTheRadii() {
    double[] radius = {0, 0.1, 0.2, Double.POSITIVE_INFINITY, 0.4};
    List<SmallestRadii.CurvePoint> c = SmallestRadiusProbe.curve(radius);
    assertEquals(SmallestRadiusProbe.CURVE_POINTS, c.size());
    assertEquals(0.8, c.get(0).accuracy(), 1e-12, "at ε = 0 only the misclassified sample is lost");
    assertEquals(0.4, c.get(c.size() - 1).eps(), 1e-12);
    assertEquals(0.2, c.get(c.size() - 1).accuracy(), 1e-12, "the never-broken sample stands at the largest radius");
    boolean[] correct = {false, true, true, true, true};
    assertEquals(0.3, SmallestRadiusProbe.median(radius, correct), 1e-12);
    assertNull(SmallestRadiusProbe.median(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0.1},
        new boolean[] {true, true, true}));
  }

  @Test
  void radiiAreNoLargerThanTheSuitesBreakingEpsAndTheCurveAgreesWithTheSuite() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 2);
    List<Double> eps = List.of(0.05, 0.2);
    RobustnessSettings s = RobustnessSettings.defaults().withSteps(20).withRestarts(1).withAttack(AttackKind.PGD);
    AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), eps, 16).run(oracle, data, n -> {});
    SmallestRadii r = new SmallestRadiusProbe(FmnL2.withDefaults(50, 0, InputRange.UNIT), 16)
        .run(oracle, data, o, null, null, n -> {});
    List<Double> breaking = o.smallestBreakingEps();
    for (int i = 0; i < data.size(); i++) {
      if (breaking.get(i) != null) {
        assertTrue(r.radius().get(i) != null && r.radius().get(i) <= breaking.get(i) + 1e-6, "sample " + i);
      }
    }
    for (int e = 0; e < eps.size(); e++) {
      double e0 = eps.get(e);
      long standing = r.radius().stream().filter(v -> v == null || v > e0).count();
      assertTrue(standing <= Math.round(o.worstCaseAccuracy(e) * data.size()), "at ε=" + e0);
    }
    assertNull(r.quadraticModelRadius());
  }

  private static double crossEntropy(double[] z, int y) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s) - z[y];
  }
}
