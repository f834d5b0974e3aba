package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.ApgdL2;
import io.lcnn.auditor.attack.ApgdTargetedL2;
import io.lcnn.auditor.attack.Attack;
import io.lcnn.auditor.attack.FabTargetedL2;
import io.lcnn.auditor.attack.FmnL2;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.attack.SquareL2;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Cost of each attack of the audit on the exact ONNX Runtime oracle (1 intra-op thread), on the
 * first {@value #BATCH} {@code pgd_inputs} of each {@code fixtures/torch-reference} model at
 * ε = {@value #EPS}, printed as one table. Each attack runs at a fraction {@code budget} of its
 * default budget (steps, queries; APGD-T and FAB-T keep their 9 targets, PGD and APGD their 3
 * restarts), best of {@code repeats} runs after one warm-up run per model. Columns:
 * {@code sample-steps/s} = batch × oracle calls reported ÷ seconds (the inner-loop speed; a
 * stacked call of APGD-T, FAB-T or FMN counts once), {@code s/100 samples} = seconds ÷ budget ×
 * 100 ÷ batch (the cost of attacking 100 samples at one ε with the full default budget,
 * extrapolated linearly from the fraction; attacks stop early on broken samples, so this is the
 * cost at the batch's robust share), and {@code × PGD} its ratio to PGD's on the same model.
 *
 * <p>Run from the repository root after {@code mvn -B -q -pl benchmarks -am -DskipTests package}:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     io.lcnn.benchmarks.AttackCostBenchmark [budget, default 0.1] [repeats, default 2] [models...]
 * </pre>
 */
public final class AttackCostBenchmark {
  /** Samples per batch. */
  public static final int BATCH = 32;
  /** Attack radius. */
  public static final double EPS = 0.1;

  private static final List<String> ATTACKS = List.of("pgd", "apgd", "apgd-t", "fab-t", "square", "fmn");

  private AttackCostBenchmark() {}

  /** Prints the table. */
  public static void main(String[] args) {
    double budget = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<String> models = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
        : List.of("mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized");
    System.out.printf("cores: %d, batch %d, ε = %s, budget fraction %s, best of %d, ONNX Runtime 1 intra-op thread; load average %s%n",
        Runtime.getRuntime().availableProcessors(), BATCH, EPS, budget, repeats, WorkerScalingBench.loadAverage());
    System.out.printf("%-24s %-7s %8s %16s %15s %8s%n", "model", "attack", "calls", "sample-steps/s", "s/100 samples", "× PGD");
    for (String model : models) {
      Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures"), "torch-reference", model);
      OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
      try (ExactOracles engine = ExactOracles.create(m, OrtRuntime.cpu(1), OutputKind.detect(m))) {
        GradientOracle oracle = engine.gradient();
        FloatTensor x = Npy.readFloats(dir.resolve("pgd_inputs.npy")).slice(0, BATCH);
        int[] y = Arrays.copyOf(Npy.readLabels(dir.resolve("pgd_labels.npy")), BATCH);
        time(oracle, x, y, "pgd", budget);
        double pgdPer100 = 0;
        for (String attack : ATTACKS) {
          double best = Double.POSITIVE_INFINITY;
          long calls = 0;
          for (int r = 0; r < repeats; r++) {
            long[] c = {0};
            double s = time(oracle, x, y, attack, budget, k -> c[0] += k);
            if (s < best) {
              best = s;
              calls = c[0];
            }
          }
          double per100 = best / budget * 100.0 / BATCH;
          pgdPer100 = attack.equals("pgd") ? per100 : pgdPer100;
          System.out.printf("%-24s %-7s %8d %16.0f %15.2f %8.1f%n", model, attack, calls, BATCH * calls / best, per100,
              per100 / pgdPer100);
        }
      }
    }
    System.out.printf("load average after: %s%n", WorkerScalingBench.loadAverage());
  }

  private static double time(GradientOracle oracle, FloatTensor x, int[] y, String attack, double budget) {
    return time(oracle, x, y, attack, budget, k -> {});
  }

  /** Seconds one run of {@code attack} at the budget fraction takes on the batch. */
  private static double time(GradientOracle oracle, FloatTensor x, int[] y, String attack, double budget, IntConsumer calls) {
    int steps = scaled(PgdL2.DEFAULT_STEPS, budget);
    long[] streams = Attack.consecutive(0, x.batchSize());
    long start = System.nanoTime();
    if (attack.equals("fmn")) {
      FmnL2.withDefaults(scaled(FmnL2.DEFAULT_STEPS, budget), 0, InputRange.UNIT).run(oracle, x, y, streams, calls);
    } else {
      Attack a = switch (attack) {
        case "pgd" -> new PgdL2(steps, PgdL2.DEFAULT_STEP_SIZE_FACTOR, PgdL2.DEFAULT_RESTARTS, true, 0, InputRange.UNIT);
        case "apgd" -> new ApgdL2(steps, PgdL2.DEFAULT_RESTARTS, 0, InputRange.UNIT);
        case "apgd-t" -> new ApgdTargetedL2(steps, ApgdTargetedL2.DEFAULT_TARGETS, 0, InputRange.UNIT);
        case "fab-t" -> new FabTargetedL2(steps, ApgdTargetedL2.DEFAULT_TARGETS, FabTargetedL2.DEFAULT_RESTARTS, 0, InputRange.UNIT);
        case "square" -> new SquareL2(scaled(SquareL2.DEFAULT_QUERIES, budget), SquareL2.DEFAULT_P_INIT, 0, InputRange.UNIT);
        default -> throw new IllegalArgumentException("unknown attack " + attack);
      };
      a.run(oracle, x, y, EPS, streams, calls);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static int scaled(int full, double budget) {
    return Math.max(1, (int) Math.round(full * budget));
  }
}
