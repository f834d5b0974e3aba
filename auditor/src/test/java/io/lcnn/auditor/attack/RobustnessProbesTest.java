package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.testmodels.MlpOracle;
import io.lcnn.auditor.testmodels.SyntheticData;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobustnessProbesTest {

  @Test
  void oneCallFillsAttacksStabilityAndMaskingAndSavesAdversarialInputsBesideAuditJson(@TempDir Path audit) throws Exception {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 4.0, 51));
    LabeledData data = SyntheticData.labelledBy(oracle, 24, 8, 52);
    FloatTensor noise = SyntheticData.labelledBy(oracle, 10, 8, 53).inputs();
    Npy.write(audit.resolve("noise.npy"), noise);
    RobustnessSettings s = RobustnessSettings.defaults()
        .withSteps(10).withRestarts(1).withAttack(AttackKind.BOTH)
        .withNoise(audit.resolve("noise.npy")).withSaveAdversarial(audit.resolve("adversarial")).withMaskingSamples(12);
    long[] calls = {0};
    RobustnessReport r = RobustnessProbes.run(oracle, null, data, s, new double[24], null, null, audit, n -> calls[0] += n);
    assertEquals("adversarial", r.attacks().adversarialDir());
    for (double e : s.eps()) {
      assertTrue(Files.exists(audit.resolve("adversarial").resolve(AdversarialWriter.fileName(e))));
      for (String attack : List.of("pgd", "apgd")) {
        assertTrue(Files.exists(audit.resolve("adversarial").resolve(attack).resolve(AdversarialWriter.fileName(e))), attack + " " + e);
      }
    }
    assertEquals(24, r.attacks().smallestRadii().radius().size());
    assertEquals("fmn", r.attacks().smallestRadii().attack());
    assertEquals(List.of("pgd", "apgd"), List.copyOf(r.attacks().accuracy().keySet()));
    assertEquals(24, r.attacks().smallestBreakingEps().size());
    assertEquals(1, r.gradientStability().directions());
    assertEquals(10, r.gradientStability().radii().get(0).perSample().size());
    assertEquals(5, r.gradientStability().radii().size());
    assertEquals(9, r.maskingChecks().size(), "eight checks and the adversarial-example sanity check");
    assertEquals("adversarial-examples-valid", r.maskingChecks().get(8).name());
    assertTrue(r.maskingChecks().get(8).passed(), r.maskingChecks().get(8).toString());
    assertTrue(calls[0] > 0);
    String json = AuditJson.mapper().writeValueAsString(r);
    assertNotNull(AuditJson.mapper().readValue(json, RobustnessReport.class).attacks());
  }

  @Test
  void refusesInputsOutsideTheRangeNamingTheSource() {
    MlpOracle oracle = new MlpOracle(TanhMlp.random(64, 16, 4, 4.0, 51));
    LabeledData data = SyntheticData.labelledBy(oracle, 4, 8, 52);
    data.inputs().data()[70] = 1.5f;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RobustnessProbes.run(oracle, data, RobustnessSettings.defaults(), null, null, null, Path.of(".")));
    assertTrue(e.getMessage().startsWith("synthetic: sample 1 has value 1.5 outside the input range"), e.getMessage());
  }

  @Test
  void inputRangeComesFromTheSettingThenTheModelMetadataThenTheUnitInterval() {
    RobustnessSettings d = RobustnessSettings.defaults();
    assertEquals(InputRange.UNIT, RobustnessProbes.resolveRange(d, Map.of()));
    assertEquals(new InputRange(-1, 1), RobustnessProbes.resolveRange(d, Map.of("input_range", "-1,1")));
    assertEquals(new InputRange(0, 255), RobustnessProbes.resolveRange(d.withInputRange(new InputRange(0, 255)), Map.of("input_range", "-1,1")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RobustnessProbes.resolveRange(d, Map.of("input_range", "1")));
    assertTrue(e.getMessage().startsWith("model metadata 'input_range'"), e.getMessage());
  }

  @Test
  void flagValuesParseWithOneLineErrorsNamingTheFlag() {
    assertEquals(List.of(0.05, 0.1), RobustnessSettings.parseRadii("--pgd-eps", "0.1, 0.05"));
    assertEquals(AttackKind.BOTH, AttackKind.parse("Both"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RobustnessSettings.parseRadii("--pgd-eps", "0.1,x"))
        .getMessage().startsWith("--pgd-eps: 'x' is not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RobustnessSettings.parseRadii("--stability-radii", "-1"))
        .getMessage().startsWith("--stability-radii: radii must be positive"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AttackKind.parse("fgsm")).getMessage().startsWith("--attack must be"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RobustnessSettings.defaults().withSteps(0))
        .getMessage().startsWith("--pgd-steps"));
  }

  @Test
  void defaultsAreThePapersRadiiAndAFivePointLogGrid() {
    RobustnessSettings d = RobustnessSettings.defaults();
    assertEquals(List.of(0.05, 0.1, 0.15, 0.2), d.eps());
    assertEquals(50, d.steps());
    assertEquals(3, d.restarts());
    assertEquals(2.5, d.stepSizeFactor());
    List<Double> r = d.stabilityRadii();
    assertEquals(5, r.size());
    assertEquals(1e-3, r.get(0));
    assertEquals(1e-1, r.get(4));
    assertEquals(1e-2, r.get(2));
    assertEquals(0.0316227766017, r.get(3));
  }
}
