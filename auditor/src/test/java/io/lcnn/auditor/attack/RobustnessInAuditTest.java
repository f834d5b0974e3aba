package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.ProgressListener;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobustnessInAuditTest {

  @Test
  void anExactAuditWithProbesHasAttacksStabilityAndMaskingBlocksAndTheirSettings(@TempDir Path out) throws Exception {
    ReferenceModel ref = ReferenceModel.named("mlp_softplus");
    AuditData data = AuditData.testOnly(new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "inputs.npy"), "inputs.npy", "labels.npy");
    AuditOptions o = AuditOptions.defaults().withMaxSamples(12).with(AuditOptions.PGD_STEPS, 10)
        .with(AuditOptions.PGD_RESTARTS, 1).with(AuditOptions.ATTACK, "both")
        .with(AuditOptions.SAVE_ADVERSARIAL, out.resolve("adversarial").toString());
    RobustnessSettings s = o.robustness();
    long[] samples = {0};
    ProgressListener counting = new ProgressListener() {
      @Override
      public void start(String split, int n) {}

      @Override
      public void advance(int n) {
        samples[0] += n;
      }

      @Override
      public void finish() {}
    };
    AuditRunner runner = new AuditRunner(o, new ExactOracleFactory(), List.of(), System.err, counting, "lcnn test");
    AuditResult r = runner.run(ref.model(), data, null, null, out).result();
    assertEquals(12, r.attacks().samples());
    assertEquals(List.of("pgd", "apgd"), List.copyOf(r.attacks().accuracy().keySet()));
    assertEquals("adversarial", r.attacks().adversarialDir());
    assertTrue(Files.exists(out.resolve("adversarial").resolve("eps_0.2.npy")));
    assertEquals(s.eps(), r.settings().pgdEps());
    assertEquals(10, r.settings().pgdSteps());
    assertEquals("pgd,apgd", r.settings().attack());
    assertEquals(5, r.gradientStability().radii().size());
    assertTrue(r.gradientStability().radii().get(0).predictedMean() > 0, "C_f should come from the geometry");
    assertEquals(10, r.maskingChecks().size(), "with the geometry's norms the quadratic-model check runs, and the sanity check");
    for (MaskingCheck c : r.maskingChecks()) {
      assertTrue(c.passed(), c.toString());
    }
    assertEquals(12, samples[0]);
    assertNotNull(AuditJson.mapper().readValue(AuditJson.mapper().writeValueAsString(r), AuditResult.class).attacks());
  }
}
