package io.lcnn.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.model.Blocks;
import io.lcnn.trainer.model.ModelSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A whole training run: builds (or resumes) the network, runs the epochs with the recipe's
 * {@link TrainingStep}, evaluates test accuracy after each epoch, prints one line per epoch
 * (loss, accuracies, mean β, mean γ, seconds) and writes a checkpoint plus training.json after
 * each epoch. A non-finite loss stops the run with {@link TrainingDivergedException}, leaving the
 * last epoch's checkpoint in place. A {@link StopRequest} stops it at the next step boundary with
 * {@link TrainingStoppedException}, after writing a checkpoint of the weights at that step.
 */
public final class TrainingRun {
  private final TrainConfig cfg;
  private final TrainingData data;
  private final Path outDir;
  private final PrintStream out;
  private final boolean progressBar;
  private final StopRequest stop;

  /** A run of {@code cfg} on {@code data} writing to {@code outDir}; lines go to {@code out}. */
  public TrainingRun(TrainConfig cfg, TrainingData data, Path outDir, PrintStream out, boolean progressBar) {
    this(cfg, data, outDir, out, progressBar, StopRequest.NEVER);
  }

  /** As above, stopping at the next step boundary once {@code stop} is requested. */
  public TrainingRun(TrainConfig cfg, TrainingData data, Path outDir, PrintStream out, boolean progressBar,
      StopRequest stop) {
    this.cfg = cfg;
    this.data = data;
    this.outDir = outDir;
    this.out = out;
    this.progressBar = progressBar;
    this.stop = stop;
  }

  /** The architecture this run trains. */
  public ModelSpec spec() {
    long[] s = data.sampleShape();
    return new ModelSpec(cfg.family(), cfg.recipe().lcnn(), cfg.recipe().activationBeta(), cfg.width(),
        (int) s[0], (int) s[1], (int) s[2], data.classNames().length);
  }

  /**
   * Trains from scratch ({@code resumeFrom == null}) or from a checkpoint; returns the final record.
   *
   * @throws IllegalArgumentException when the configuration fails {@link TrainConfig#check}
   */
  public ObjectNode run(Path resumeFrom) {
    cfg.check();
    Engine.getInstance().setRandomSeed((int) cfg.seed());
    ModelSpec spec = spec();
    ObjectNode record = baseRecord(spec, resumeFrom);
    ArrayNode epochs = record.putArray("epochs");
    try (Network net = resumeFrom == null ? Network.create(spec) : Checkpoint.load(resumeFrom, spec);
        NDManager state = NDManager.newBaseManager()) {
      TrainingStep step = new TrainingStep(net, cfg, state);
      Batches batches = new Batches(data.train(), cfg.batchSize(), cfg.augment(), cfg.seed());
      int perEpoch = cfg.maxStepsPerEpoch() > 0 ? Math.min(cfg.maxStepsPerEpoch(), batches.batchesPerEpoch())
          : batches.batchesPerEpoch();
      int lastSaved = -1;
      for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
        double lr = cfg.learningRateAt(epoch);
        long t0 = System.nanoTime();
        int[] order = batches.shuffledOrder();
        double lossSum = 0;
        int correct = 0;
        int seen = 0;
        try (ProgressBar pb = progressBar ? new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1))
            .setInitialMax(perEpoch).setStyle(ProgressBarStyle.ASCII).continuousUpdate().build() : null) {
          for (int b = 0; b < perEpoch; b++) {
            TrainingStep.Result r;
            try (NDScope scope = new NDScope()) {
              FloatTensor xb = batches.inputs(order, b);
              NDArray x = net.manager().create(xb.data(), new Shape(xb.shape()));
              NDArray y = net.manager().create(batches.labels(order, b));
              r = step.run(x, y, lr);
            }
            if (!Double.isFinite(r.loss())) {
              throw new TrainingDivergedException(String.format(
                  "loss became %s at epoch %d, step %d (cross-entropy %s%s); %s", r.loss(), epoch + 1, b + 1,
                  r.crossEntropy(), nonFiniteSummary(net),
                  lastSaved < 0 ? "no new checkpoint was written; " + outDir + " was left as it was"
                      : "kept the checkpoint of epoch " + (lastSaved + 1) + " in " + outDir));
            }
            lossSum += r.loss() * r.count();
            correct += r.correct();
            seen += r.count();
            if (pb != null) {
              pb.step();
              pb.setExtraMessage(String.format("loss %.4f", lossSum / seen));
            }
            if (stop.requested() && (b + 1 < perEpoch || epoch + 1 < cfg.epochs())) {
              String where = String.format("epoch %d, step %d of %d", epoch + 1, b + 1, perEpoch);
              ObjectNode stopped = record.putObject("stopped");
              stopped.put("signal", stop.signalName());
              stopped.put("at", where);
              record.put("finished", Instant.now().toString());
              save(net, record, epoch, Double.NaN);
              throw new TrainingStoppedException(stop.signalName() + ": stopped at " + where
                  + " and wrote its checkpoint to " + outDir, stop.exitCode());
            }
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double testAcc = accuracy(net, data.test().inputs(), data.test().labels());
        double[] betas = Blocks.learnableBetas(net.block());
        double[] gammas = Blocks.gammas(net.block());
        ObjectNode e = epochs.addObject();
        e.put("epoch", epoch + 1);
        e.put("learning_rate", lr);
        e.put("loss", lossSum / seen);
        e.put("train_accuracy", (double) correct / seen);
        e.put("test_accuracy", testAcc);
        e.put("mean_beta", mean(betas));
        e.put("mean_gamma", mean(gammas));
        e.put("seconds", seconds);
        out.printf("epoch %d/%d  loss %.4f  train-acc %.2f%%  test-acc %.2f%%  mean-β %s  mean-γ %s  %.1f s%n",
            epoch + 1, cfg.epochs(), lossSum / seen, 100.0 * correct / seen, 100 * testAcc,
            fmt(mean(betas)), fmt(mean(gammas)), seconds);
        ObjectNode fin = record.putObject("final");
        fin.put("epochs_completed", epoch + 1);
        fin.put("test_accuracy", testAcc);
        fin.put("train_loss", lossSum / seen);
        fin.put("train_accuracy", (double) correct / seen);
        ArrayNode bs = fin.putArray("betas");
        Arrays.stream(betas).forEach(bs::add);
        ArrayNode gs = fin.putArray("gammas");
        Arrays.stream(gammas).forEach(gs::add);
        record.put("finished", Instant.now().toString());
        save(net, record, epoch + 1, testAcc);
        lastSaved = epoch;
      }
    }
    return record;
  }

  /** Writes the checkpoint after {@code epochsDone} whole epochs; {@code testAcc} NaN when not measured. */
  private void save(Network net, ObjectNode record, int epochsDone, double testAcc) {
    ObjectNode model = Checkpoint.json().createObjectNode();
    model.put("recipe", cfg.recipe().id());
    model.put("dataset", data.spec());
    ArrayNode names = model.putArray("classNames");
    Arrays.stream(data.classNames()).forEach(names::add);
    model.put("inputRange", "0,1");
    model.put("epoch", epochsDone);
    if (!Double.isNaN(testAcc)) {
      model.put("testAccuracy", testAcc);
    }
    Checkpoint.save(outDir, net, model, record);
  }

  /** Inference-mode top-1 accuracy of {@code net} on the given samples. */
  public static double accuracy(Network net, FloatTensor inputs, int[] labels) {
    int correct = 0;
    try (NDScope scope = new NDScope()) {
      float[][] z = net.logits(inputs, 500);
      for (int i = 0; i < z.length; i++) {
        int best = 0;
        for (int k = 1; k < z[i].length; k++) {
          if (z[i][k] > z[i][best]) {
            best = k;
          }
        }
        correct += best == labels[i] ? 1 : 0;
      }
    }
    return labels.length == 0 ? 0 : (double) correct / labels.length;
  }

  private ObjectNode baseRecord(ModelSpec spec, Path resumeFrom) {
    ObjectNode r = Checkpoint.json().createObjectNode();
    r.put("recipe", cfg.recipe().id());
    r.put("started", Instant.now().toString());
    ObjectNode model = r.putObject("model");
    model.put("family", spec.family().id());
    model.put("build", spec.lcnn() ? "lcnn" : "standard");
    model.put("activation_beta", spec.activationBeta());
    model.put("width", spec.width());
    ObjectNode hp = r.putObject("hyperparameters");
    hp.put("epochs", cfg.epochs());
    hp.put("batch_size", cfg.batchSize());
    hp.put("learning_rate", cfg.learningRate());
    hp.put("momentum", cfg.momentum());
    hp.put("weight_decay", cfg.weightDecay());
    hp.put("weight_decay_excludes", "logBeta, logGamma");
    ArrayNode ms = hp.putArray("lr_milestones");
    Arrays.stream(cfg.lrMilestones()).forEach(ms::add);
    hp.put("lr_decay", cfg.lrDecay());
    hp.put("lambda_beta", cfg.lambdaBeta());
    hp.put("lambda_beta_source", cfg.lambdaBeta() == TrainConfig.defaultLambdaBeta(cfg.family())
        ? "default: " + TrainConfig.lambdaBetaDefaultReason(cfg.family())
        : "set explicitly (the " + cfg.family().id() + " default is " + TrainConfig.defaultLambdaBeta(cfg.family()) + ")");
    hp.put("lambda_gamma", cfg.lambdaGamma());
    hp.put("lambda_grad", cfg.lambdaGrad());
    hp.put("lambda_cure", cfg.lambdaCure());
    hp.put("cure_step", cfg.cureStep());
    hp.put("fd_step", cfg.fdStep());
    hp.put("pgd_epsilon", cfg.pgdEpsilon());
    hp.put("pgd_steps", cfg.pgdSteps());
    hp.put("augment", cfg.augment());
    hp.put("max_steps_per_epoch", cfg.maxStepsPerEpoch());
    r.put("seed", cfg.seed());
    ObjectNode d = r.putObject("data");
    d.put("spec", data.spec());
    d.put("train_source", data.train().source());
    d.put("train_samples", data.train().size());
    d.put("test_source", data.test().source());
    d.put("test_samples", data.test().size());
    ArrayNode names = d.putArray("class_names");
    Arrays.stream(data.classNames()).forEach(names::add);
    if (resumeFrom != null) {
      r.put("resumed_from", resumeFrom.toAbsolutePath().toString());
    }
    ObjectNode v = r.putObject("versions");
    String lcnn = TrainingRun.class.getPackage().getImplementationVersion();
    v.put("lcnn", lcnn == null ? "dev" : lcnn);
    v.put("djl", Engine.getDjlVersion());
    v.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    v.put("device", Engine.getInstance().defaultDevice().toString());
    v.put("java", System.getProperty("java.version"));
    v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return r;
  }

  /** ", non-finite: a, b, …" naming up to five non-finite parameters or gradients, or "". */
  private static String nonFiniteSummary(Network net) {
    List<String> bad = net.nonFiniteState();
    if (bad.isEmpty()) {
      return "";
    }
    String head = String.join(", ", bad.subList(0, Math.min(5, bad.size())));
    return ", non-finite: " + head + (bad.size() > 5 ? " and " + (bad.size() - 5) + " more" : "");
  }

  private static double mean(double[] a) {
    return a.length == 0 ? Double.NaN : Arrays.stream(a).average().orElse(Double.NaN);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.3f", v);
  }
}
