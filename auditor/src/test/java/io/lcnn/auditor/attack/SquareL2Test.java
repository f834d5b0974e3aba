package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.assertBrokenAreMisclassified;
import static io.lcnn.auditor.attack.AttackTestSupport.assertInBallAndRange;
import static io.lcnn.auditor.attack.AttackTestSupport.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.RoundedInputOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.LabeledData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SquareL2Test {

  @Test
  void pointsStayInBallAndRangeAndUseNoGradient() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 3.0, 1));
    LabeledData data = SyntheticData.labelledBy(oracle, 24, 8, 2);
    for (double eps : new double[] {0.1, 0.5, 2.0}) {
      oracle.gradientCalls = 0;
      AttackOutcome o = new SquareL2(200, 0.8, 3, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
      assertEquals(0, oracle.gradientCalls);
      assertInBallAndRange(data.inputs(), o.adversarial(), eps, InputRange.UNIT);
      assertBrokenAreMisclassified(oracle, o, data.labels());
    }
  }

  @Test
  void breaksAModelWithZeroGradientsThatPgdCannotMove() {
    RoundedInputOracle oracle = new RoundedInputOracle(TanhMlp.random(64, 16, 4, 3.0, 7));
    LabeledData data = SyntheticData.labelledBy(oracle, 40, 8, 8);
    double eps = 1.5;
    AttackOutcome pgd = new PgdL2(20, 2.5, 1, false, 1, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    AttackOutcome square = new SquareL2(300, 0.8, 1, InputRange.UNIT).run(oracle, data.inputs(), data.labels(), eps, Attack.consecutive(0, data.size()), n -> {});
    int p = count(pgd.broken());
    int s = count(square.broken());
    System.out.println("rounded-input model, ε=" + eps + ": pgd broke " + p + ", square " + s + " of " + data.size());
    assertEquals(0, p, "PGD from the clean point cannot move on zero gradients");
    assertTrue(s >= data.size() / 4, "Square broke only " + s);
    assertBrokenAreMisclassified(oracle, square, data.labels());
  }

  @Test
  void theWindowScheduleHalvesPOnThePublishedIterations() {
    SquareL2 a = new SquareL2(10000, 0.8, 0, InputRange.UNIT);
    assertEquals(0.8, a.pSchedule(10));
    assertEquals(0.4, a.pSchedule(11));
    assertEquals(0.2, a.pSchedule(51));
    assertEquals(0.8 / 512, a.pSchedule(8001));
    SquareL2 b = new SquareL2(5000, 0.8, 0, InputRange.UNIT);
    assertEquals(0.4, b.pSchedule(6), "a 5,000-query budget runs the 10,000-query schedule at double speed");
  }

  @Test
  void theMetaPseudoGaussianWindowHasUnitNormAndOppositeHalves() {
    double[] w = SquareL2.metaPseudoGaussian(7, 7, new SplittableRandom(1));
    double n = 0;
    double sum = 0;
    for (double v : w) {
      n += v * v;
      sum += v;
    }
    assertEquals(1, n, 1e-12);
    assertTrue(Math.abs(sum) < 0.5, "the two halves have opposite signs, sum " + sum);
  }
}
