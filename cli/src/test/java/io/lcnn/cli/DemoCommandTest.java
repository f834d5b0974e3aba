package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.trainer.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo chains train → export → audit → report on the embedded subset. This runs it at a
 * tiny size (one short epoch, a few audit samples); the full-size run is measured by hand (see
 * README) since it takes minutes.
 */
class DemoCommandTest {
  private static final Path SUBSET = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("fashion-mnist-subset");

  @TempDir Path tmp;

  @Test
  void tinyDemoTrainsExportsAuditsAndReportsBothModels() throws Exception {
    CliRun r = CliRun.of("demo", "--data", SUBSET.toString(), "--out", tmp.toString(), "--epochs", "1",
        "--max-samples", "6", "--pgd-steps", "2", "--min-norm-steps", "5", "--no-progress", "--max-steps", "8");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    for (String recipe : new String[] {"standard", "lcnn"}) {
      Path dir = tmp.resolve(recipe);
      assertTrue(Files.size(dir.resolve("model.onnx")) > 1000, recipe + " model exported");
      AuditResult a = AuditJson.read(dir.resolve("audit.json"));
      assertEquals("exact", a.model().gradientMode(), recipe + " differentiated exactly");
      assertEquals(6, a.splits().get("test").samples().size());
      assertEquals(6, a.splits().get("train").samples().size());
      assertTrue(a.attacks() != null && a.gradientStability() != null && a.maskingChecks() != null);
      assertEquals(2, a.settings().pgdSteps(), "the given audit option");
      assertEquals(io.lcnn.auditor.attack.PgdL2.DEFAULT_RESTARTS, a.settings().pgdRestarts(),
          "the audit's default for an audit option neither the demo nor the user sets");
    }
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.contains("standard") && html.contains("lcnn") && html.contains("<svg"), "one report with both models");
    assertTrue(r.out().contains("report: "), r.out());
    assertClaimVerdictsMatchTheAudits(r.out(), html);
  }

  /** Recomputes the four verdicts from the written audit.json and training.json files. */
  private void assertClaimVerdictsMatchTheAudits(String out, String html) throws Exception {
    AuditResult s = AuditJson.read(tmp.resolve("standard/audit.json"));
    AuditResult l = AuditJson.read(tmp.resolve("lcnn/audit.json"));
    double accS = Checkpoint.readRecord(tmp.resolve("standard/checkpoint")).path("final").path("test_accuracy").asDouble();
    double accL = Checkpoint.readRecord(tmp.resolve("lcnn/checkpoint")).path("final").path("test_accuracy").asDouble();
    double cS = s.splits().get("test").summary().curvature().mean();
    double cL = l.splits().get("test").summary().curvature().mean();
    boolean a = cL <= 0.5 * cS && 100 * (accS - accL) <= 2;
    String maxEps = String.valueOf(s.attacks().eps().get(s.attacks().eps().size() - 1));
    boolean b = l.attacks().worstCaseAccuracy().get(maxEps) > s.attacks().worstCaseAccuracy().get(maxEps);
    boolean c = true;
    for (int i = 0; i < s.gradientStability().radii().size(); i++) {
      c &= l.gradientStability().radii().get(i).mean() < s.gradientStability().radii().get(i).mean();
    }
    boolean d = l.trainTestDiscrepancy().curvature() < l.trainTestDiscrepancy().gradNorm()
        && s.trainTestDiscrepancy().curvature() < s.trainTestDiscrepancy().gradNorm();
    boolean[] expected = {a, b, c, d};
    String[] ids = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
      String line = "(" + ids[i] + ") " + (expected[i] ? "HOLDS" : "DOES NOT HOLD") + ": ";
      assertTrue(out.lines().anyMatch(x -> x.startsWith(line)), "stdout has " + line + "\n" + out);
      assertTrue(html.contains("Paper claim " + line), "report banner has " + line);
    }
  }

  @Test
  void missingDataFolderIsAOneLineError() {
    CliRun r = CliRun.of("demo", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("nowhere") && r.err().strip().lines().count() == 1, r.err());
  }
}
