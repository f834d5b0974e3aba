package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
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
        "--max-samples", "6", "--pgd-steps", "2", "--no-progress", "--max-steps", "8");
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
      assertEquals(1, a.settings().pgdRestarts(), "the demo's default for an audit option not given");
    }
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.contains("standard") && html.contains("lcnn") && html.contains("<svg"), "one report with both models");
    assertTrue(r.out().contains("report: "), r.out());
  }

  @Test
  void missingDataFolderIsAOneLineError() {
    CliRun r = CliRun.of("demo", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("nowhere") && r.err().strip().lines().count() == 1, r.err());
  }
}
