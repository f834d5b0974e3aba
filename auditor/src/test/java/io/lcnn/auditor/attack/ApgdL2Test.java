package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.assertBrokenAreMisclassified;
import static io.lcnn.auditor.attack.AttackTestSupport.assertInBallAndRange;
import static io.lcnn.auditor.attack.AttackTestSupport.count;
import static io.lcnn.auditor.attack.AttackTestSupport.linearDistance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import org.junit.jupiter.api.Test;

class ApgdL2Test {

  @Test
  void adversarialPointsStayInBallAndRangeAndBrokenOnesAreMisclassified() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 2);
    ApgdL2 apgd = new ApgdL2(20, 2, 3, InputRange.UNIT);
    for (double eps : new double[] {0.05, 0.2, 1.0}) {
      AttackOutcome o = apgd.run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
      assertInBallAndRange(data.inputs(), o.adversarial(), eps, InputRange.UNIT);
      assertBrokenAreMisclassified(oracle, o, data.labels());
    }
  }

  @Test
  void costsOneGradientCallPerIterationPlusTheStart() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 30, 8, 2);
    oracle.gradientCalls = 0;
    new ApgdL2(25, 1, 3, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), 0.01, Attack.consecutive(0, data.size()), n -> {});
    assertEquals(26, oracle.gradientCalls);
  }

  @Test
  void breaksEverySampleCloserThanEpsToTheLinearDecisionBoundary() {
    TanhMlp linear = TanhMlp.random(64, 0, 2, 3.0, 11);
    MlpOracle oracle = new MlpOracle(linear);
    LabeledData data = SyntheticData.labelledBy(oracle, 200, 8, 12);
    double eps = 0.15;
    AttackOutcome o = new ApgdL2(50, 1, 5, new InputRange(-100, 100)).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    for (int i = 0; i < data.size(); i++) {
      double dist = linearDistance(linear, data.inputs().data(), i * 64, data.labels()[i], linear.outputWeights(), 64);
      if (dist < 0.98 * eps) {
        assertTrue(o.broken()[i], "sample " + i + " at distance " + dist + " survived ε=" + eps);
      }
    }
  }

  @Test
  void isAtLeastAsStrongAsPgdWithTheSameBudgetOnANonlinearModel() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 32, 6, 6.0, 21));
    LabeledData data = SyntheticData.labelledBy(oracle, 300, 8, 22);
    double eps = 0.1;
    int steps = 20;
    AttackOutcome pgd = new PgdL2(steps, 2.5, 1, true, 1, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    AttackOutcome apgd = new ApgdL2(steps, 1, 1, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    int pgdBroken = count(pgd.broken());
    int apgdBroken = count(apgd.broken());
    System.out.println("ε=" + eps + " broken of " + data.size() + ": pgd " + pgdBroken + ", apgd " + apgdBroken);
    assertTrue(pgdBroken > 0 && pgdBroken < data.size(), "the test needs a partly robust model, pgd broke " + pgdBroken);
    assertTrue(apgdBroken >= pgdBroken, "APGD broke " + apgdBroken + " samples, PGD " + pgdBroken);
  }
}
