package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.MemoryPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lcnn audit --memory-budget}: recorded in audit.json; a budget below one sample is one line, exit 2. */
class MemoryBudgetAuditTest {
  @TempDir Path tmp;

  private CliRun audit(Path out, String budget) {
    Path ref = FixtureVariants.REF.resolve("resnet_softplus");
    return CliRun.of("audit", "--model", ref.resolve("model.onnx").toString(), "--inputs",
        ref.resolve("inputs.npy").toString(), "--labels", ref.resolve("labels.npy").toString(), "--out", out.toString(),
        "--max-samples", "4", "--attack", "none", "--self-check-samples", "0", "--memory-budget", budget);
  }

  @Test
  void budgetBelowOneSampleIsOneLineWithExitCode2AndNoOutput() {
    Path out = tmp.resolve("out");
    CliRun r = audit(out, "64k");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--memory-budget 64.0 KiB is below the estimated memory of one sample"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void unreadableSizeIsOneLineWithExitCode2() {
    CliRun r = audit(tmp.resolve("out"), "lots");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--memory-budget: 'lots' is not a size"), r.err());
  }

  @Test
  void auditJsonRecordsTheBudgetTheEstimateAndTheBatchSize() throws Exception {
    Path out = tmp.resolve("out");
    CliRun r = audit(out, "1g");
    assertEquals(0, r.exitCode(), r.err());
    MemoryPlan p = AuditJson.read(out.resolve("audit.json")).settings().memory();
    assertEquals(1L << 30, p.budgetBytes());
    assertEquals("--memory-budget", p.budgetSource());
    assertTrue(p.bytesPerSample() > 0 && p.forwardBytesPerSample() > 0, p.toString());
    assertEquals(32, p.batchSize(), p.toString());
  }
}
