package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Measures the wall-clock cost of training steps per recipe on the same model family, data and
 * batch size, for the paper's relative-cost comparison (LCNN 1.6×, GradReg 2.7×, LCNN+GradReg
 * 3.5× the standard epoch).
 */
public final class TrainingBenchmark {
  private TrainingBenchmark() {}

  /**
   * Seconds per step of one recipe: the median over {@code steps} individually timed steps, and
   * the mean seconds per step of each phase over the same steps ({@link StepProfile}; "data" is
   * building the batch tensors, "free" closing the step's arrays).
   */
  public record Timing(Recipe recipe, int steps, double secondsPerStep, Map<String, Double> phases) {}

  /**
   * Runs {@code warmup} untimed then {@code steps} timed steps of {@code cfg}'s recipe; the median
   * step time is robust to other processes briefly taking the CPU.
   */
  public static Timing time(TrainConfig cfg, TrainingData data, int warmup, int steps) {
    long[] s = data.sampleShape();
    io.lcnn.trainer.model.ModelSpec spec = new io.lcnn.trainer.model.ModelSpec(cfg.family(), cfg.recipe().lcnn(),
        cfg.recipe().activationBeta(), cfg.width(), (int) s[0], (int) s[1], (int) s[2], data.classNames().length);
    Batches batches = new Batches(data.train(), cfg.batchSize(), cfg.augment(), cfg.seed());
    int[] order = batches.shuffledOrder();
    double lr = Math.min(cfg.learningRate(), 0.01);
    StepProfile profile = new StepProfile();
    boolean[] timed = {false};
    StepProfile timedSteps = new StepProfile() {
      @Override
      public void add(String phase, long nanos) {
        if (timed[0]) {
          profile.add(phase, nanos);
        }
      }
    };
    try (Network net = Network.create(spec); NDManager state = NDManager.newBaseManager()) {
      TrainingStep step = new TrainingStep(net, cfg, state, timedSteps);
      double[] times = new double[steps];
      for (int i = 0; i < warmup + steps; i++) {
        timed[0] = i >= warmup;
        long t0 = System.nanoTime();
        long afterStep = t0;
        try (NDScope scope = new NDScope()) {
          int b = i % batches.batchesPerEpoch();
          FloatTensor xb = batches.inputs(order, b);
          NDArray x = net.manager().create(xb.data(), new Shape(xb.shape()));
          NDArray y = net.manager().create(batches.labels(order, b));
          timedSteps.lap("data", t0);
          step.run(x, y, lr);
          afterStep = System.nanoTime();
        }
        timedSteps.lap("free", afterStep);
        if (timed[0]) {
          profile.countStep();
          times[i - warmup] = (System.nanoTime() - t0) / 1e9;
        }
      }
      java.util.Arrays.sort(times);
      double median = steps % 2 == 1 ? times[steps / 2] : (times[steps / 2 - 1] + times[steps / 2]) / 2;
      return new Timing(cfg.recipe(), steps, median, profile.secondsPerStep());
    }
  }

  /** A table of s/step, estimated s/epoch and the ratio to the standard recipe. */
  public static String table(List<Timing> timings, int stepsPerEpoch) {
    double base = timings.stream().filter(t -> t.recipe() == Recipe.STANDARD).mapToDouble(Timing::secondsPerStep)
        .findFirst().orElse(Double.NaN);
    StringBuilder sb = new StringBuilder(String.format("%-13s %10s %12s %8s%n", "recipe", "s/step", "s/epoch(est)", "x std"));
    for (Timing t : timings) {
      sb.append(String.format("%-13s %10.4f %12.1f %8.2f%n", t.recipe().id(), t.secondsPerStep(),
          t.secondsPerStep() * stepsPerEpoch, t.secondsPerStep() / base));
    }
    return sb.toString();
  }

  /** Milliseconds per step of each phase (columns) for every recipe (rows), and their sum. */
  public static String profileTable(List<Timing> timings) {
    java.util.LinkedHashSet<String> phases = new java.util.LinkedHashSet<>();
    timings.forEach(t -> phases.addAll(t.phases().keySet()));
    StringBuilder sb = new StringBuilder(String.format("%-13s", "ms/step"));
    for (String p : phases) {
      sb.append(String.format(" %" + Math.max(9, p.length()) + "s", p));
    }
    sb.append(String.format(" %9s%n", "sum"));
    for (Timing t : timings) {
      sb.append(String.format("%-13s", t.recipe().id()));
      double sum = 0;
      for (String p : phases) {
        double ms = 1e3 * t.phases().getOrDefault(p, 0.0);
        sum += ms;
        sb.append(String.format(" %" + Math.max(9, p.length()) + ".1f", ms));
      }
      sb.append(String.format(" %9.1f%n", sum));
    }
    return sb.toString();
  }
}
