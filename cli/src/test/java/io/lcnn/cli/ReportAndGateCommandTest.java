package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.AuditSettings;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.result.Stats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lcnn report} and {@code lcnn gate} end to end: files written, lines printed, exit codes. */
class ReportAndGateCommandTest {
  @TempDir Path tmp;

  /** A small SYNTHETIC audit: three test samples with curvatures 10, 20 and 60 (mean 30). */
  private Path audit(String name) {
    double[] curv = {10, 20, 60};
    List<SampleGeometry> s = List.of(
        new SampleGeometry(0, 1, 1, 0.1, 1, curv[0], curv[0], curv[0], 10, 1e-5),
        new SampleGeometry(1, 2, 2, 0.2, 1, curv[1], -curv[1], curv[1], 10, 1e-5),
        new SampleGeometry(2, 3, 4, 2.0, 1, curv[2], curv[2], curv[2], 10, 1e-5));
    Stats ones = Stats.of(new double[] {1, 1, 1});
    SplitSummary sum = new SplitSummary(3, 2.0 / 3, Stats.of(new double[] {0.1, 0.2, 2.0}), ones, Stats.of(curv), Stats.of(curv));
    ModelInfo m = new ModelInfo("m.onnx", "ab", 17, 8, "test", "x", List.of(1, 4), new double[] {0, 1}, "y", "logits", 5,
        "CPU", "exact", "exact", List.of(), Map.of("Gemm", 1), 25, Map.of());
    AuditSettings st = new AuditSettings(1e-6, "power", 20, 1e-3, 8, 1, "cpu", 1, 0, 1e-3, 0, "x.npy", "y.npy",
        null, null, null, null, null, null, null, null, null);
    AuditResult r = new AuditResult(AuditResult.SCHEMA_VERSION, "lcnn test", "2026-01-01T00:00:00Z", m, st,
        Map.of("test", new SplitResult(s, sum)), null, null, null, null, null, null, null, null, null, null);
    Path file = tmp.resolve(name).resolve("audit.json");
    AuditJson.write(file, r);
    return file;
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void gateExitsZeroWhenRulesHoldOneWhenOneFailsTwoOnBadInput() throws Exception {
    Path a = audit("m");
    Result pass = run("gate", a.toString(), "--max-curvature", "mean=30", "--min-accuracy", "0.6");
    assertEquals(0, pass.code(), pass.out() + pass.err());
    assertTrue(pass.out().contains("PASS max-curvature mean=30: mean curvature on test = 30 <= 30"), pass.out());

    Path junit = tmp.resolve("gate.xml");
    Result fail = run("gate", a.toString(), "--max-curvature", "max=59", "--junit", junit.toString());
    assertEquals(1, fail.code());
    assertTrue(fail.out().contains("FAIL max-curvature max=59: max curvature on test = 60 > 59"), fail.out());
    assertTrue(Files.readString(junit).contains("<failure"));

    assertEquals(2, run("gate", a.toString(), "--min-robust-accuracy", "0.1=0.5").code(), "no attacks block");
    assertEquals(2, run("gate", a.toString(), "--max-curvature", "p95=3").code(), "unknown statistic");
    assertEquals(2, run("gate", a.toString()).code(), "no rules");
    Path policy = tmp.resolve("policy.json");
    Files.writeString(policy, "{\"max-curvature\": {\"median\": 20}, \"baseline\": \"m/audit.json\", \"max-regression\": \"5%\"}");
    Result withPolicy = run("gate", a.toString(), "--policy", policy.toString());
    assertEquals(0, withPolicy.code(), withPolicy.out() + withPolicy.err());
    assertTrue(withPolicy.out().contains("PASS max-regression curvature.mean 5%"), withPolicy.out());

    Files.writeString(a, Files.readString(a).substring(0, 200));
    Result truncated = run("gate", a.toString(), "--max-curvature", "mean=30");
    assertEquals(2, truncated.code());
    assertEquals(1, truncated.err().strip().lines().count(), truncated.err());
    assertTrue(truncated.err().contains("in field '"), truncated.err());
  }

  @Test
  void reportWritesOnePageAndPrintsTheSummaryTable() throws Exception {
    Path a = audit("first");
    Path b = audit("second");
    Path out = tmp.resolve("r.html");
    Result r = run("report", a.toString(), b.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(out);
    assertTrue(html.startsWith("<!DOCTYPE html>") || html.contains("<!DOCTYPE html>"));
    assertTrue(html.contains("first") && html.contains("second"));
    assertTrue(r.out().contains("mean curvature") && r.out().contains("report: " + out.toAbsolutePath()), r.out());

    Files.writeString(b, "{\"hello\": 1}");
    Result bad = run("report", a.toString(), b.toString(), "--out", tmp.resolve("x.html").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("missing field 'schemaVersion'"), bad.err());
  }
}
