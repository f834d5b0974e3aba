package io.lcnn.auditor.attack;

import static io.lcnn.auditor.attack.AttackTestSupport.assertInBallAndRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.OrtForwardOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttackSuiteTest {
  private static final List<Double> EPS = List.of(0.05, 0.1, 0.15, 0.2);

  @Test
  void savedAdversarialInputsAreInBallAndRangeAndMisclassifiedAgainOnOnnxRuntime(@TempDir Path dir) throws Exception {
    TanhMlp model = TanhMlp.random(64, 16, 4, 4.0, 31);
    try (OrtForwardOracle oracle = new OrtForwardOracle(OrtRuntime.cpu(1), model, 8)) {
      LabeledData data = SyntheticData.labelledBy(new MlpOracle(model), 60, 8, 32);
      RobustnessSettings s = RobustnessSettings.defaults().withSteps(20).withRestarts(2).withAttack(AttackKind.BOTH).withBatchSize(16);
      AttackSuite suite = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), EPS, s.batchSize());
      AttackSuite.Outcome o = suite.run(oracle, data, n -> {});
      AdversarialWriter.write(dir.resolve("adv"), o);
      int successes = 0;
      for (int e = 0; e < EPS.size(); e++) {
        FloatTensor saved = Npy.readFloats(dir.resolve("adv").resolve(AdversarialWriter.fileName(EPS.get(e))));
        assertInBallAndRange(data.inputs(), saved, EPS.get(e), InputRange.UNIT);
        FloatTensor logits = oracle.logits(saved);
        int[] p = new ForwardResult(new float[data.size()], logits).predictions();
        for (int i = 0; i < data.size(); i++) {
          if (o.worstBroken()[e][i]) {
            assertNotEquals(data.labels()[i], p[i], "ε=" + EPS.get(e) + " sample " + i + " counted as broken");
            successes++;
          }
        }
      }
      assertTrue(successes > 0, "the test needs some successful attacks");
    }
  }

  @Test
  void worstCaseCombinesAttacksAndAccuracyFallsWithEps() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 32, 6, 6.0, 21));
    LabeledData data = SyntheticData.labelledBy(oracle, 150, 8, 22);
    RobustnessSettings s = RobustnessSettings.defaults().withSteps(20).withRestarts(1).withAttack(AttackKind.BOTH);
    AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), EPS, 64).run(oracle, data, n -> {});
    double previous = o.cleanAccuracy();
    for (int e = 0; e < EPS.size(); e++) {
      double worst = o.worstCaseAccuracy(e);
      assertTrue(worst <= o.accuracy("pgd", e) && worst <= o.accuracy("apgd", e));
      for (int i = 0; i < data.size(); i++) {
        boolean any = !o.cleanCorrect()[i];
        for (int smaller = 0; smaller <= e; smaller++) {
          any |= o.brokenByAttack().get("pgd")[smaller][i] || o.brokenByAttack().get("apgd")[smaller][i];
        }
        assertEquals(any, o.worstBroken()[e][i], "sample " + i);
      }
      assertTrue(worst <= previous, "accuracy rose from " + previous + " to " + worst + " at ε=" + EPS.get(e));
      previous = worst;
    }
    assertTrue(o.worstCaseAccuracy(EPS.size() - 1) < o.cleanAccuracy(), "the model should not be robust at ε=0.2");
  }

  @Test
  void resultsRecordPerSampleSmallestBreakingEpsAndCleanMisclassifications() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 4.0, 41));
    LabeledData clean = SyntheticData.labelledBy(oracle, 30, 8, 42);
    int[] labels = clean.labels().clone();
    labels[0] = (labels[0] + 1) % 4;
    LabeledData data = new LabeledData(clean.inputs(), labels, "synthetic");
    RobustnessSettings s = RobustnessSettings.defaults().withSteps(10).withRestarts(1);
    AttackSuite.Outcome o = new AttackSuite(s.attack().attacks(s, InputRange.UNIT), EPS, 8).run(oracle, data, n -> {});
    AttackResults r = RobustnessProbes.toResults(o, s, InputRange.UNIT, null, null);
    assertEquals(29.0 / 30, r.cleanAccuracy(), 1e-12);
    assertEquals(0.0, r.smallestBreakingEps().get(0));
    assertEquals(EPS.size(), r.accuracy().get("pgd").size());
    for (int i = 1; i < data.size(); i++) {
      Double first = r.smallestBreakingEps().get(i);
      for (int e = 0; e < EPS.size(); e++) {
        if (o.worstBroken()[e][i]) {
          assertTrue(first != null && first <= EPS.get(e));
        }
      }
      if (first == null) {
        for (int e = 0; e < EPS.size(); e++) {
          assertTrue(!o.worstBroken()[e][i]);
        }
      }
    }
    assertNull(r.adversarialDir());
    assertEquals(r.worstCaseAccuracy().get("0.2"), o.worstCaseAccuracy(3));
  }
}
