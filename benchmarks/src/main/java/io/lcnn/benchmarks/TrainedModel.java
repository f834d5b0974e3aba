package io.lcnn.benchmarks;

import io.lcnn.datasets.SyntheticImages;
import io.lcnn.datasets.LabeledData;
import io.lcnn.exporter.OnnxExporter;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Checkpoint;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import io.lcnn.trainer.train.TrainConfig;
import io.lcnn.trainer.train.TrainingData;
import io.lcnn.trainer.train.TrainingRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A trainer model moved away from its initialization by a few SGD steps on {@link SyntheticImages},
 * checkpointed and exported to ONNX by {@link OnnxExporter}, so that DJL and the auditor can be
 * compared on the same weights.
 *
 * @param checkpoint the checkpoint folder ({@link Checkpoint#load} reopens the DJL network)
 * @param onnx the exported model file
 * @param test 100 held-out synthetic samples [100, 1, 28, 28] with labels
 */
public record TrainedModel(Path checkpoint, Path onnx, LabeledData test) {

  /**
   * Trains {@code steps} steps of batch 16 (learning rate 0.02) of the given family and recipe
   * with width multiplier {@code width} into {@code dir}, and exports {@code dir/model.onnx}.
   */
  public static TrainedModel train(ModelFamily family, Recipe recipe, double width, int steps, Path dir) {
    String[] names = new String[10];
    for (int i = 0; i < 10; i++) {
      names[i] = "class " + i;
    }
    TrainingData data = new TrainingData("synthetic", SyntheticImages.make(16 * steps, 1),
        SyntheticImages.make(100, 2), names);
    TrainConfig cfg = TrainConfig.defaults(recipe, family).withSize(1, 16, steps, width).withLearningRate(0.02);
    new TrainingRun(cfg, data, dir, new PrintStream(OutputStream.nullOutputStream()), false).run(null);
    Path onnx = dir.resolve("model.onnx");
    try (Network net = Checkpoint.load(dir)) {
      OnnxExporter.write(net, Checkpoint.readModel(dir), Checkpoint.readRecord(dir), onnx);
    }
    return new TrainedModel(dir, onnx, data.test());
  }

  /** Reopens the trained DJL network (the caller closes it). */
  public Network network() {
    return Checkpoint.load(checkpoint);
  }
}
