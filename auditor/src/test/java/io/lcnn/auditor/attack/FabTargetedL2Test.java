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
import java.util.List;
import org.junit.jupiter.api.Test;

class FabTargetedL2Test {

  /** A radius below every sample's distance: every target runs on every sample. */
  private static final double TINY_EPS = 1e-12;

  @Test
  void onALinearModelWithoutActiveBoxItFindsTheClosedFormDistanceToTheNearestBoundaryWithin1e3() {
    TanhMlp linear = TanhMlp.random(64, 0, 4, 3.0, 11);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 12);
    FmnL2.Result r = new FabTargetedL2(20, 9, 1, 0, new InputRange(-100, 100))
        .minimalPerturbation(oracle, data.inputs(), data.labels(), TINY_EPS, Attack.consecutive(0, data.size()), n -> {});
    double worst = 0;
    for (int i = 0; i < data.size(); i++) {
      double exact = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      assertTrue(r.radius()[i] >= exact * (1 - 1e-6), "sample " + i + ": " + r.radius()[i] + " below the true distance " + exact);
      worst = Math.max(worst, r.radius()[i] / exact - 1);
    }
    System.out.println("FAB-T on a linear model, no box: largest relative excess " + worst);
    assertTrue(worst <= 1e-3, "largest relative excess over the closed form " + worst);
  }

  @Test
  void onALinearModelInTheUnitBoxItFindsTheBoxConstrainedDistanceWithin1e3() {
    TanhMlp linear = TanhMlp.random(64, 0, 4, 6.0, 21);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 22);
    FmnL2.Result r = new FabTargetedL2(20, 9, 1, 0, InputRange.UNIT)
        .minimalPerturbation(oracle, data.inputs(), data.labels(), TINY_EPS, Attack.consecutive(0, data.size()), n -> {});
    double worst = 0;
    int boxActive = 0;
    for (int i = 0; i < data.size(); i++) {
      double inBox = boxConstrainedDistance(linear, data.inputs().data(), i * 64, data.labels()[i], InputRange.UNIT);
      double free = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      boxActive += inBox > free * (1 + 1e-2) ? 1 : 0;
      assertTrue(r.radius()[i] >= inBox * (1 - 1e-6), "sample " + i + ": " + r.radius()[i] + " below the box-constrained distance " + inBox);
      worst = Math.max(worst, r.radius()[i] / inBox - 1);
    }
    System.out.println("FAB-T on a linear model in [0,1]: box active on " + boxActive + " samples, largest relative excess " + worst);
    assertTrue(boxActive >= 5, "the box changes the distance on only " + boxActive + " samples; the fixture does not test it");
    assertTrue(worst <= 1e-3, "largest relative excess over the box-constrained distance " + worst);
  }

  @Test
  void onANonlinearModelEveryKeptPointIsInTheBallAndRangeAndBrokenOnesAreMisclassified() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 5, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 30, 8, 2);
    int broken = 0;
    for (double eps : new double[] {0.05, 0.3}) {
      AttackOutcome o = new FabTargetedL2(15, 4, 2, 3, InputRange.UNIT)
          .run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
      assertInBallAndRange(data.inputs(), o.adversarial(), eps, InputRange.UNIT);
      assertBrokenAreMisclassified(oracle, o, data.labels());
      broken += AttackTestSupport.count(o.broken());
    }
    assertTrue(broken > 0, "FAB-T broke nothing; the validity checks above checked no adversarial point");
  }

  @Test
  void reportsExactlyItsBudgetOfOracleCalls() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 5, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 12, 8, 2);
    for (double eps : new double[] {0.01, 5.0}) {
      int[] reported = {0};
      FabTargetedL2 fab = new FabTargetedL2(10, 9, 2, 0, InputRange.UNIT);
      fab.run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), k -> reported[0] += k);
      assertEquals(fab.maxOracleCalls(), reported[0], "ε=" + eps);
    }
  }

  @Test
  void autoattackRobustAccuracyIsAtMostEachComponentsAlone() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 6, 3.0, 5));
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 6);
    RobustnessSettings s = RobustnessSettings.defaults().withEps(List.of(0.1, 0.3)).withSteps(10).withRestarts(1)
        .withAttack(AttackKind.AUTOATTACK).withInputRange(InputRange.UNIT).withSquareQueries(200).withTargets(4);
    AttackSuite.Outcome all = new AttackSuite(AttackKind.AUTOATTACK.attacks(s, InputRange.UNIT), s.eps(), 16).run(oracle, data, n -> {});
    for (Attack a : AttackKind.AUTOATTACK.attacks(s, InputRange.UNIT)) {
      AttackSuite.Outcome alone = new AttackSuite(List.of(a), s.eps(), 16).run(oracle, data, n -> {});
      for (int e = 0; e < s.eps().size(); e++) {
        System.out.printf("ε=%s: autoattack %.3f, %s alone %.3f%n", s.eps().get(e), all.worstCaseAccuracy(e), a.name(),
            alone.worstCaseAccuracy(e));
        assertTrue(all.worstCaseAccuracy(e) <= alone.worstCaseAccuracy(e) + 1e-12,
            "ε=" + s.eps().get(e) + ": autoattack " + all.worstCaseAccuracy(e) + " above " + a.name() + " alone " + alone.worstCaseAccuracy(e));
      }
    }
  }

  /**
   * Reference for the box: min over k ≠ y of min ‖δ‖ s.t. z_k(x + δ) ≥ z_y(x + δ), x + δ in the
   * box, for a linear model; per class by bisection on the multiplier λ of δ = clip(λ·w)
   * (w = ∇(z_k − z_y)), 200 halvings in double (independent of the attack's breakpoint walk).
   */
  private static double boxConstrainedDistance(TanhMlp linear, float[] x, int off, int y, InputRange box) {
    int d = linear.inputs();
    float[] w2 = linear.outputWeights();
    double[] z = linear.logits(x, off);
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k < z.length; k++) {
      if (k == y) {
        continue;
      }
      double[] w = new double[d];
      for (int j = 0; j < d; j++) {
        w[j] = (double) w2[k * d + j] - w2[y * d + j];
      }
      double need = z[y] - z[k];
      double lo = 0;
      double hi = 1;
      while (reach(w, x, off, hi, box) < need && hi < 1e12) {
        hi *= 2;
      }
      if (reach(w, x, off, hi, box) < need) {
        continue;
      }
      for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (reach(w, x, off, mid, box) < need) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      double n = 0;
      for (int j = 0; j < d; j++) {
        double dj = clip(hi * w[j], x[off + j], box);
        n += dj * dj;
      }
      best = Math.min(best, Math.sqrt(n));
    }
    return best;
  }

  private static double reach(double[] w, float[] x, int off, double lambda, InputRange box) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      s += w[j] * clip(lambda * w[j], x[off + j], box);
    }
    return s;
  }

  private static double clip(double delta, double x, InputRange box) {
    return Math.max(box.lo() - x, Math.min(box.hi() - x, delta));
  }
}
