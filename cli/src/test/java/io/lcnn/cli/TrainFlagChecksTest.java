package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code lcnn train} refuses bad flags, output folders and training inputs with one line and exit
 * 2 before it reads any data: every case names a dataset folder that does not exist, so a check
 * that ran after loading would report the dataset instead of the flag.
 */
class TrainFlagChecksTest {
  @TempDir Path dir;

  private CliRun train(String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--dataset", "cifar10:" + dir.resolve("absent-data"),
        "--no-progress"));
    args.addAll(Arrays.asList(extra));
    if (!args.contains("--out")) {
      args.add("--out");
      args.add(dir.resolve("out").toString());
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private static void assertOneLineNaming(CliRun r, String expected) {
    assertEquals(2, r.exitCode(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains(expected), lines[0]);
    assertFalse(lines[0].contains("absent-data"), lines[0]);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "--width, 0", "--width, -0.5", "--width, NaN", "--width, Infinity",
      "--lr, -0.1", "--lr, NaN", "--momentum, -0.9", "--momentum, NaN",
      "--weight-decay, -5e-4", "--weight-decay, NaN",
      "--lambda-beta, -1e-3", "--lambda-beta, NaN", "--lambda-gamma, NaN", "--lambda-gamma, -1",
      "--lambda-grad, -1", "--lambda-grad, NaN", "--lambda-cure, NaN", "--lambda-cure, -4"})
  void badNumberStopsWithOneLineNamingTheFlagBeforeLoadingData(String flag, String value) {
    CliRun r = train(flag, value);
    assertOneLineNaming(r, flag);
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
  }

  @Test
  void outThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertOneLineNaming(train("--out", file.toString()), "is a file");
    assertEquals("x", Files.readString(file));
  }

  @Test
  void outHoldingACheckpointIsRefusedWithoutForce() throws Exception {
    Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
    Files.writeString(ckpt.resolve("model.json"), "{}");
    assertOneLineNaming(train("--out", ckpt.toString()), "--force");
    CliRun forced = train("--out", ckpt.toString(), "--force");
    assertEquals(2, forced.exitCode());
    assertTrue(forced.err().contains("absent-data"), "with --force the checks pass and the dataset is read: "
        + forced.err());
    assertEquals("{}", Files.readString(ckpt.resolve("model.json")));
  }

  @Test
  void outHoldingOtherFilesIsRefused() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(folder.resolve("notes.txt"), "mine");
    assertOneLineNaming(train("--out", folder.toString()), "notes.txt");
    assertEquals("mine", Files.readString(folder.resolve("notes.txt")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"NaN", "Infinity", "-Infinity"})
  void nonFiniteNpyInputStopsWithOneLineNamingTheFileAndSample(String value) throws Exception {
    int n = 8;
    float[] x = new float[n * 28 * 28];
    x[5 * 784 + 300] = Float.parseFloat(value);
    Path xs = dir.resolve("x.npy");
    Npy.write(xs, new FloatTensor(new long[] {n, 1, 28, 28}, x));
    Npy.writeLabels(dir.resolve("y.npy"), new int[n]);
    CliRun r = CliRun.of("train", "--dataset", "npy:" + xs + "," + dir.resolve("y.npy"), "--out",
        dir.resolve("out").toString(), "--no-progress");
    assertEquals(2, r.exitCode(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains("x.npy") && lines[0].contains("sample 5"), lines[0]);
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void exportRefusesCorruptedParametersWithOneLine() throws Exception {
    Path xs = dir.resolve("x.npy");
    int n = 12;
    float[] x = new float[n * 28 * 28];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7919 % 101) / 100f;
    }
    Npy.write(xs, new FloatTensor(new long[] {n, 1, 28, 28}, x));
    int[] y = new int[n];
    Arrays.setAll(y, i -> i % 2);
    Npy.writeLabels(dir.resolve("y.npy"), y);
    Path ckpt = dir.resolve("ckpt");
    CliRun trained = CliRun.of("train", "--dataset", "npy:" + xs + "," + dir.resolve("y.npy"), "--epochs", "1",
        "--batch-size", "6", "--width", "0.25", "--out", ckpt.toString(), "--no-progress");
    assertEquals(0, trained.exitCode(), trained.err());
    Path params = ckpt.resolve("model.params");
    byte[] bytes = Files.readAllBytes(params);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 2000 && i < bytes.length; i++) {
      bytes[i] = 0x55;
    }
    Files.write(params, bytes);
    Path onnx = dir.resolve("m.onnx");
    CliRun r = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", onnx.toString());
    assertEquals(2, r.exitCode(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains("model.params") && lines[0].contains("corrupted"), lines[0]);
    assertFalse(Files.exists(onnx));
  }
}
