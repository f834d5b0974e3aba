package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Measures the wall-clock cost of training steps per recipe on the same model family, data and
 * batch size, for the paper's relative-cost comparison (LCNN 1.6×, GradReg 2.7×, LCNN+GradReg
 * 3.5× the standard epoch). The recipes are timed round-robin, one step of each in turn, so that
 * load from other processes falls on every recipe alike and the ratios stay comparable.
 */
public final class TrainingBenchmark {
  private TrainingBenchmark() {}

  /**
   * Seconds per step of one recipe: the median over {@code steps} individually timed steps, and
   * the mean seconds per step of each phase over the same steps ({@link StepProfile}; "data" is
   * building the batch tensors, "free" closing the step's arrays).
   */
  public record Timing(Recipe recipe, int steps, double secondsPerStep, Map<String, Double> phases) {}

  /** One recipe's network, optimizer state, batches and measurements while the benchmark runs. */
  private static final class Runner implements AutoCloseable {
    final TrainConfig cfg;
    final Network net;
    final NDManager state;
    final Batches batches;
    final int[] order;
    final StepProfile profile = new StepProfile();
    final TrainingStep step;
    final double[] times;
    boolean timed;

    Runner(TrainConfig cfg, TrainingData data, int steps) {
      long[] s = data.sampleShape();
      this.cfg = cfg;
      this.net = Network.create(new ModelSpec(cfg.family(), cfg.recipe().lcnn(), cfg.recipe().activationBeta(),
          cfg.width(), (int) s[0], (int) s[1], (int) s[2], data.classNames().length));
      this.state = NDManager.newBaseManager();
      this.batches = new Batches(data.train(), cfg.batchSize(), cfg.augment(), cfg.seed());
      this.order = batches.shuffledOrder();
      this.times = new double[steps];
      this.step = new TrainingStep(net, cfg, state, new StepProfile() {
        @Override
        public void add(String phase, long nanos) {
          if (timed) {
            profile.add(phase, nanos);
          }
        }
      });
    }

    /** Runs step {@code i} (timed from {@code warmup} on) and records its time. */
    void run(int i, int warmup) {
      timed = i >= warmup;
      long t0 = System.nanoTime();
      long afterStep = t0;
      try (NDScope scope = new NDScope()) {
        int b = i % batches.batchesPerEpoch();
        FloatTensor xb = batches.inputs(order, b);
        NDArray x = net.manager().create(xb.data(), new Shape(xb.shape()));
        NDArray y = net.manager().create(batches.labels(order, b));
        step.profileLap("data", t0);
        step.run(x, y, Math.min(cfg.learningRate(), 0.01));
        afterStep = System.nanoTime();
      }
      step.profileLap("free", afterStep);
      if (timed) {
        profile.countStep();
        times[i - warmup] = (System.nanoTime() - t0) / 1e9;
      }
    }

    Timing timing() {
      double[] sorted = times.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Timing(cfg.recipe(), n, median, profile.secondsPerStep());
    }

    @Override
    public void close() {
      state.close();
      net.close();
    }
  }

  /**
   * Runs {@code warmup} untimed then {@code steps} timed steps of every configuration, one step
   * of each in turn; the median step time of each is robust to other processes briefly taking
   * the CPU.
   */
  public static List<Timing> time(List<TrainConfig> cfgs, TrainingData data, int warmup, int steps) {
    List<Runner> runners = new ArrayList<>();
    try {
      for (TrainConfig cfg : cfgs) {
        runners.add(new Runner(cfg, data, steps));
      }
      for (int i = 0; i < warmup + steps; i++) {
        for (Runner r : runners) {
          r.run(i, warmup);
        }
      }
      return runners.stream().map(Runner::timing).toList();
    } finally {
      runners.forEach(Runner::close);
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
    LinkedHashSet<String> phases = new LinkedHashSet<>();
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
