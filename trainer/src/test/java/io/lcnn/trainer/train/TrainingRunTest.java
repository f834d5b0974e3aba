package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.trainer.model.ModelFamily;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
  @TempDir Path dir;

  private static TrainConfig tiny(Recipe r, int epochs) {
    return TrainConfig.defaults(r, ModelFamily.SMALL_CNN).withSize(epochs, 20, 0, 0.25);
  }

  @Test
  void lcnnRunLearnsAndWritesCheckpointAndRecord() throws Exception {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    TrainingRun run = new TrainingRun(tiny(Recipe.LCNN, 2), SyntheticData.mnistLike(400), dir,
        new PrintStream(lines, true), false);
    JsonNode record = run.run(null);
    String printed = lines.toString();
    assertTrue(printed.contains("epoch 2/2") && printed.contains("mean-β") && printed.contains("mean-γ"), printed);
    assertTrue(record.path("final").path("test_accuracy").asDouble() > 0.5, record.toString());
    JsonNode onDisk = Checkpoint.readRecord(dir);
    assertEquals("lcnn", onDisk.path("recipe").asText());
    assertEquals(1e-3, onDisk.path("hyperparameters").path("lambda_beta").asDouble());
    assertTrue(onDisk.path("hyperparameters").path("lambda_beta_source").asText().startsWith("default: small-cnn"));
    assertEquals(3, onDisk.path("final").path("betas").size());
    assertTrue(onDisk.path("versions").path("djl").asText().startsWith("0."));
    try (Network net = Checkpoint.load(dir)) {
      double acc = TrainingRun.accuracy(net, SyntheticData.mnistLike(10).test().inputs(),
          SyntheticData.mnistLike(10).test().labels());
      assertEquals(record.path("final").path("test_accuracy").asDouble(), acc, 1e-9);
    }
  }

  @Test
  void checkpointOfAnotherFamilyIsRefusedWithOneLine() {
    new TrainingRun(tiny(Recipe.STANDARD, 1), SyntheticData.mnistLike(40), dir, new PrintStream(new ByteArrayOutputStream()), false)
        .run(null);
    TrainConfig resnet = TrainConfig.defaults(Recipe.STANDARD, ModelFamily.RESNET18).withSize(1, 20, 0, 0.0625);
    CheckpointException e = assertThrows(CheckpointException.class, () ->
        new TrainingRun(resnet, SyntheticData.mnistLike(40), dir.resolve("next"), System.out, false).run(dir));
    assertTrue(e.getMessage().contains("small-cnn") && e.getMessage().contains("resnet18"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void nanLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    new TrainingRun(tiny(Recipe.STANDARD, 1), SyntheticData.mnistLike(40), dir, new PrintStream(new ByteArrayOutputStream()), false)
        .run(null);
    byte[] before = Files.readAllBytes(dir.resolve(Checkpoint.PARAMS));
    TrainingData good = SyntheticData.mnistLike(40);
    FloatTensor x = good.train().inputs().copy();
    x.data()[5] = Float.NaN;
    TrainingData bad = new TrainingData("bad", new LabeledData(x, good.train().labels(), "bad"), good.test(), good.classNames());
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
        new TrainingRun(tiny(Recipe.STANDARD, 1), bad, dir, System.out, false).run(dir));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(Checkpoint.PARAMS)));
  }

  @Test
  void threadSelfCheckPassesUnderTheTestEnvironment() {
    ThreadSafetyCheck.verify();
  }
}
