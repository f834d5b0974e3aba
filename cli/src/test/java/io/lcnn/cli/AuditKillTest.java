package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.StagedFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at several points of an audit (after the staging folder is made, while the gallery is
 * being written, before the rename, between the two renames of the swap) leaves --out exactly as
 * it was before, readable by {@code lcnn report}; a second writer is refused while the first
 * holds the lock; a run that is not killed replaces --out with a complete new audit; and an old
 * audit.json beside a new gallery (what a kill left before staging existed) is refused by
 * {@code lcnn report}.
 */
class AuditKillTest {
  private static final Path DIR =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus")
          .toAbsolutePath();

  @TempDir static Path tmp;
  private static Path out;
  private static Map<String, String> before;

  private static String[] audit(String seed) {
    return new String[] {"audit", "--model", DIR.resolve("model.onnx").toString(),
        "--inputs", DIR.resolve("inputs.npy").toString(), "--labels", DIR.resolve("labels.npy").toString(),
        "--out", out.toString(), "--max-samples", "4", "--eigen-iters", "4", "--self-check-samples", "0",
        "--pgd-eps", "0.5", "--pgd-steps", "3", "--pgd-restarts", "1", "--stability-radii", "0.01", "--seed", seed};
  }

  @BeforeAll
  static void previousAudit() {
    out = tmp.resolve("out");
    CliRun r = CliRun.of(audit("1"));
    assertEquals(0, r.exitCode(), r.err());
    before = snapshot(out);
    assertTrue(before.containsKey("audit.json") && before.containsKey("gallery/adversarial.npy"), before.keySet().toString());
  }

  /** Relative path → SHA-256 of every file under {@code dir} (empty when it does not exist). */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return m;
  }

  private static CliProcess startPausedAt(String point, String name) {
    return CliProcess.start(tmp, tmp.resolve("logs-" + name), List.of(StagedFolder.PAUSE_PROPERTY + "=" + point), audit("2"));
  }

  private static void assertAsBeforeAndReportable(String when) {
    CliRun report = CliRun.of("report", out.resolve("audit.json").toString(), "--out", tmp.resolve("report.html").toString());
    assertEquals(0, report.exitCode(), when + ": " + report.err());
    assertEquals(before, snapshot(out), when + ": --out changed");
  }

  @Test
  void killAfterStagingLeavesOutAsBefore() {
    CliProcess p = startPausedAt("staged", "staged");
    p.awaitStderr("paused at staged");
    p.kill();
    assertAsBeforeAndReportable("killed after staging");
  }

  @Test
  void killWhileTheGalleryIsWrittenLeavesOutAsBefore() throws IOException, InterruptedException {
    CliProcess p = startPausedAt("before-commit", "gallery");
    long end = System.nanoTime() + 120_000_000_000L;
    Path written = null;
    while (written == null && p.alive() && System.nanoTime() < end) {
      try (Stream<Path> s = Files.list(tmp)) {
        written = s.filter(f -> f.getFileName().toString().startsWith(".out.staging-"))
            .map(f -> f.resolve("gallery/inputs.npy")).filter(Files::exists).findFirst().orElse(null);
      }
      Thread.sleep(20);
    }
    assertTrue(written != null, "no gallery appeared in the staging folder: " + p.err());
    p.kill();
    assertAsBeforeAndReportable("killed during the gallery");
  }

  @Test
  void killBeforeTheRenameLeavesOutAsBefore() {
    CliProcess p = startPausedAt("before-commit", "before-commit");
    p.awaitStderr("paused at before-commit");
    p.kill();
    assertAsBeforeAndReportable("killed before the rename");
  }

  @Test
  void oldAuditJsonBesideANewGalleryIsRefusedByReport() throws IOException {
    CliProcess p = startPausedAt("before-commit", "mixed");
    p.awaitStderr("paused at before-commit");
    p.kill();
    Path staging;
    try (Stream<Path> s = Files.list(tmp)) {
      staging = s.filter(f -> f.getFileName().toString().startsWith(".out.staging-"))
          .filter(f -> Files.exists(f.resolve("audit.json"))).findFirst().orElseThrow();
    }
    Path mixed = tmp.resolve("mixed");
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Path target = mixed.resolve(out.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    Files.copy(staging.resolve("gallery/adversarial.npy"), mixed.resolve("gallery/adversarial.npy"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliRun report = CliRun.of("report", mixed.resolve("audit.json").toString(), "--out", tmp.resolve("mixed.html").toString());
    assertEquals(2, report.exitCode(), report.err());
    assertTrue(report.err().contains("gallery/adversarial.npy differs from the file the audit wrote"), report.err());
    assertFalse(Files.exists(tmp.resolve("mixed.html")));
    assertAsBeforeAndReportable("after the mixed-folder check");
  }

  @Test
  void killBetweenTheTwoRenamesIsRepairedToAsBefore() {
    CliProcess p = startPausedAt("mid-commit", "mid-commit");
    p.awaitStderr("paused at mid-commit");
    p.kill();
    assertFalse(Files.exists(out), "the old folder should be aside at this point");
    assertAsBeforeAndReportable("killed between the renames");
  }

  @Test
  void secondWriterIsRefusedWhileTheFirstHoldsTheLock() {
    CliProcess first = startPausedAt("staged", "first");
    first.awaitStderr("paused at staged");
    CliRun second = CliRun.of(audit("3"));
    first.kill();
    assertEquals(2, second.exitCode(), second.err());
    assertEquals(1, second.err().lines().count(), second.err());
    assertTrue(second.err().contains("--out " + out) && second.err().contains("another lcnn process is writing it"),
        second.err());
    assertAsBeforeAndReportable("second writer");
  }

  @Test
  void unkilledRunReplacesOutWithACompleteAudit() {
    Path other = tmp.resolve("fresh");
    CliRun r = CliRun.of(audit("4"));
    assertEquals(0, r.exitCode(), r.err());
    Map<String, String> after = snapshot(out);
    assertEquals(before.keySet(), after.keySet());
    assertNotEquals(before.get("audit.json"), after.get("audit.json"));
    CliRun report = CliRun.of("report", out.resolve("audit.json").toString(), "--out", other.resolve("r.html").toString());
    assertEquals(0, report.exitCode(), report.err());
    before = after;
  }
}
