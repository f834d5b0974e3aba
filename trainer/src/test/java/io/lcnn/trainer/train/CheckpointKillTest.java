package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.trainer.model.ModelFamily;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a training process ({@link CheckpointKillProbe}, its own JVM) with SIGKILL at every stage
 * of a checkpoint save, including between the two renames, and at a step in the middle of an
 * epoch; each time the folder must still hold a checkpoint that loads (parameters matching their
 * recorded SHA-256) from one of the two last saves. SIGTERM and SIGINT must stop the training at a
 * step boundary with exit 143 / 130, a loadable checkpoint and no JVM crash report.
 */
class CheckpointKillTest {
  @TempDir Path tmp;

  /** A running probe and the lines it printed so far. */
  private static final class Probe implements AutoCloseable {
    final Process process;
    final BufferedReader lines;
    final List<String> seen = new ArrayList<>();

    Probe(Path work, Path dir, int epochs, String pauseStage, int pauseAtSave, boolean signals) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // perl resets SIGINT and SIGTERM to their defaults before it runs the JVM: a JVM whose
      // parent ignores SIGINT (a build started in the background, nohup) keeps ignoring it.
      process = new ProcessBuilder("perl", "-e", "$SIG{INT} = 'DEFAULT'; $SIG{TERM} = 'DEFAULT'; exec @ARGV or die",
          java, "-cp", System.getProperty("java.class.path"),
          CheckpointKillProbe.class.getName(), dir.toString(), Integer.toString(epochs), pauseStage,
          Integer.toString(pauseAtSave), signals ? "yes" : "no")
          .directory(work.toFile()).redirectErrorStream(true).start();
      lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one equals {@code wanted}; fails when the process ends first. */
    void awaitLine(String wanted) throws IOException {
      String l;
      while ((l = lines.readLine()) != null) {
        seen.add(l);
        if (l.equals(wanted)) {
          return;
        }
      }
      throw new AssertionError("probe ended before '" + wanted + "': " + String.join("\n", seen));
    }

    /** The exit status after reading the rest of the output. */
    int finish() throws Exception {
      String l;
      while ((l = lines.readLine()) != null) {
        seen.add(l);
      }
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe did not end");
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static int epochOf(Path dir) {
    JsonNode m = Checkpoint.readModel(dir);
    try (Network net = Checkpoint.load(dir)) {
      assertEquals(Checkpoint.spec(m), net.spec());
    }
    return m.path("epoch").asInt();
  }

  @ParameterizedTest(name = "SIGKILL after stage {0} of the second save")
  @ValueSource(strings = {"params", "model", "moved-aside", "switched"})
  void killDuringASaveLeavesALoadableCheckpoint(String stage) throws Exception {
    Path dir = tmp.resolve("ckpt");
    try (Probe p = new Probe(tmp, dir, 3, stage, 2, false)) {
      p.awaitLine("stage 2 " + stage);
      p.process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
    int epoch = epochOf(dir);
    boolean newAvailable = stage.equals("model") || stage.equals("moved-aside") || stage.equals("switched");
    assertTrue(epoch == 1 || (newAvailable && epoch == 2), "stage " + stage + " left epoch " + epoch);
    if (stage.equals("moved-aside") || stage.equals("switched")) {
      assertEquals(2, epoch, "once the old folder is moved aside, the complete new one is the checkpoint");
    }
    // The next training into the same folder puts things back in place and leaves no leftovers.
    new TrainingRun(TrainConfig.defaults(Recipe.LCNN, ModelFamily.SMALL_CNN).withSize(1, 20, 2, 0.25),
        SyntheticData.mnistLike(40), dir, new PrintStream(OutputStream.nullOutputStream()), false).run(null);
    assertEquals(1, epochOf(dir));
    assertFalse(Files.exists(tmp.resolve("ckpt.next")));
    assertFalse(Files.exists(tmp.resolve("ckpt.previous")));
  }

  @Test
  void killInTheMiddleOfAnEpochKeepsTheLastSave() throws Exception {
    Path dir = tmp.resolve("ckpt");
    try (Probe p = new Probe(tmp, dir, 50, "-", 0, false)) {
      p.awaitLine("stage 2 done");
      p.awaitLine("stage 3 params");
      Thread.sleep(5);
      p.process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
    int epoch = epochOf(dir);
    assertTrue(epoch == 2 || epoch == 3, "epoch " + epoch);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void signalStopsAtAStepBoundaryWritesACheckpointAndExitsWithTheShellStatus(String signal) throws Exception {
    Path dir = tmp.resolve("ckpt");
    int code;
    List<String> seen;
    try (Probe p = new Probe(tmp, dir, 50, "-", 0, true)) {
      p.awaitLine("stage 1 done");
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.process.pid())).start();
      assertEquals(0, kill.waitFor());
      code = p.finish();
      seen = p.seen;
    }
    assertEquals(signal.equals("INT") ? 130 : 143, code, String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(l -> l.startsWith("stopped: SIG" + signal + ": stopped at epoch")),
        String.join("\n", seen));
    JsonNode record = Checkpoint.readRecord(dir);
    assertEquals("SIG" + signal, record.path("stopped").path("signal").asText());
    epochOf(dir);
    try (Stream<Path> files = Files.list(tmp)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err")), "JVM crash report written");
    }
  }

  @Test
  void corruptedParametersAreRefusedWithOneLine() throws Exception {
    Path dir = tmp.resolve("ckpt");
    new TrainingRun(TrainConfig.defaults(Recipe.STANDARD, ModelFamily.SMALL_CNN).withSize(1, 20, 2, 0.25),
        SyntheticData.mnistLike(40), dir, new PrintStream(OutputStream.nullOutputStream()), false).run(null);
    Path params = dir.resolve(Checkpoint.PARAMS);
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length - 10] ^= 1;
    Files.write(params, bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("corrupted") && !e.getMessage().contains("\n"), e.getMessage());
  }
}
