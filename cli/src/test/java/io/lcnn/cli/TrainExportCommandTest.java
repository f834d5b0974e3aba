package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainExportCommandTest {
  @TempDir Path dir;

  private String[] captureErr(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return err.toString().strip().split("\n");
  }

  /** Writes n 28×28 one-channel images of three classes as x.npy, y.npy; returns the npy dataset spec. */
  private String npyData(int n) throws Exception {
    Random rnd = new Random(3);
    float[] x = new float[n * 28 * 28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int p = 0; p < 784; p++) {
        x[i * 784 + p] = (p / 28 / 10 == y[i]) ? 0.9f : rnd.nextFloat() * 0.2f;
      }
    }
    Npy.write(dir.resolve("x.npy"), new FloatTensor(new long[] {n, 1, 28, 28}, x));
    Npy.writeLabels(dir.resolve("y.npy"), y);
    return "npy:" + dir.resolve("x.npy") + "," + dir.resolve("y.npy");
  }

  @Test
  void trainThenExportWritesCheckpointAndOnnxFromNpyData() throws Exception {
    String data = npyData(60);
    Path out = dir.resolve("ckpt");
    int rc = Main.run(new String[] {"train", "--recipe", "lcnn", "--dataset", data, "--epochs", "1",
        "--batch-size", "9", "--width", "0.25", "--out", out.toString(), "--no-progress"});
    assertEquals(0, rc);
    assertTrue(Files.isRegularFile(out.resolve("model.params")));
    assertTrue(Files.readString(out.resolve("training.json")).contains("\"recipe\" : \"lcnn\""));
    Path onnx = dir.resolve("m.onnx");
    assertEquals(0, Main.run(new String[] {"export", "--checkpoint", out.toString(), "--out", onnx.toString()}));
    assertTrue(Files.size(onnx) > 1000);
  }

  @Test
  void missingDatasetStopsWithOneLineAndExitTwo() {
    int[] rc = new int[1];
    String[] lines = captureErr(() -> rc[0] = Main.run(new String[] {"train", "--dataset",
        "cifar10:" + dir.resolve("absent"), "--out", dir.resolve("o").toString()}));
    assertEquals(2, rc[0]);
    assertEquals(1, lines.length);
    assertTrue(lines[0].contains("absent"), lines[0]);
  }

  @Test
  void exportOfNonCheckpointFolderStopsWithOneLine() {
    int[] rc = new int[1];
    String[] lines = captureErr(() -> rc[0] = Main.run(new String[] {"export", "--checkpoint", dir.toString(),
        "--out", dir.resolve("m.onnx").toString()}));
    assertEquals(2, rc[0]);
    assertEquals(1, lines.length);
    assertTrue(lines[0].contains("not a checkpoint folder"), lines[0]);
  }

  @Test
  void cureOnTheResNetPrintsOneNoteAboutItsKnownFailure() throws Exception {
    String data = npyData(12);
    int[] rc = new int[1];
    String[] lines = captureErr(() -> rc[0] = Main.run(new String[] {"train", "--recipe", "cure", "--model",
        "resnet18", "--width", "0.0625", "--dataset", data, "--epochs", "1", "--batch-size", "6",
        "--max-steps", "1", "--lr", "1e-4", "--out", dir.resolve("c").toString(), "--no-progress"}));
    assertEquals(0, rc[0]);
    assertEquals(1, Arrays.stream(lines).filter(l -> l.contains("note: CURE")).count(),
        String.join("\n", lines));
  }
}
