package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.lcnn.datasets.DatasetException;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Recipe;
import io.lcnn.trainer.train.ThreadSafetyCheck;
import io.lcnn.trainer.train.TrainConfig;
import io.lcnn.trainer.train.TrainingBenchmark;
import io.lcnn.trainer.train.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code lcnn train-bench}: seconds per training step of every recipe, relative to standard. */
@Parameters(commandDescription = "Time training steps of every recipe (median s/step, recipes in turn) on the same data, relative to standard")
public final class TrainBenchCommand implements Subcommand {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Parameter(names = "--dataset", description = "Dataset spec as for lcnn train")
  private String dataset = "fashion-mnist";

  @Parameter(names = "--model", description = "small-cnn or resnet18")
  private String model = "small-cnn";

  @Parameter(names = "--width", description = "Channel multiplier (counts round up to multiples of 8)")
  private double width = 1.0;

  @Parameter(names = "--batch-size", description = "Samples per step")
  private int batchSize = 128;

  @Parameter(names = "--steps", description = "Timed steps per recipe (after --warmup untimed steps)")
  private int steps = 20;

  @Parameter(names = "--warmup", description = "Untimed steps per recipe")
  private int warmup = 3;

  @Parameter(names = "--recipes", description = "Comma-separated recipes (default: all)")
  private String recipes;

  @Parameter(names = "--profile", description = "Also print milliseconds per step of each phase (data, input"
      + " gradients, forward, penalty forwards, backward, optimizer, read-back, free) for every recipe")
  private boolean profile;

  @Override
  public String name() {
    return "train-bench";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    List<Recipe> list = new ArrayList<>();
    try {
      if (recipes == null) {
        list.addAll(Arrays.asList(Recipe.values()));
      } else {
        for (String r : recipes.split(",")) {
          list.add(Recipe.parse(r.trim()));
        }
      }
      if (!list.contains(Recipe.STANDARD)) {
        list.add(0, Recipe.STANDARD);
      }
      ModelFamily family = ModelFamily.parse(model);
      TrainingData data = TrainingData.load(dataset);
      ThreadSafetyCheck.verify();
      List<TrainConfig> cfgs = new ArrayList<>();
      for (Recipe r : list) {
        cfgs.add(TrainConfig.defaults(r, family).withSize(1, batchSize, 0, width));
      }
      List<TrainingBenchmark.Timing> timings = TrainingBenchmark.time(cfgs, data, warmup, steps);
      System.out.println(TrainingBenchmark.table(timings, data.train().size() / batchSize));
      if (profile) {
        System.out.println(TrainingBenchmark.profileTable(timings));
      }
    } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
      throw new CliException(e.getMessage());
    }
    return 0;
  }
}
