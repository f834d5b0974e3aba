package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.ApgdL2;
import io.lcnn.auditor.attack.ApgdTargetedL2;
import io.lcnn.auditor.attack.Attack;
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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of each attack of the audit on the exact ONNX Runtime oracle, on a {@code torch-reference}
 * fixture's first {@code batch} {@code pgd_inputs} at ε = 0.1, each at its default budget scaled by
 * {@code budget} (1 = the audit's defaults: PGD and APGD 50 steps × 3 restarts, APGD-T 9 targets ×
 * 50 steps, Square 5,000 queries, FMN 100 steps). JMH reports two rates per attack: {@code
 * sampleSteps} (attacked samples × oracle calls per second: the attack's inner-loop speed) and
 * {@code samples} (samples attacked to the end per second; seconds per 100 samples = 100 / that).
 * {@code sampleSteps} counts the budgeted calls, including those an attack skips once every sample is broken.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class AttackCostBenchmark {
  @Param({"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus"})
  public String model;

  @Param({"pgd", "apgd", "apgd-t", "square", "fmn"})
  public String attack;

  @Param({"32"})
  public int batch;

  /** Fraction of the default budget (steps, targets, queries) each invocation runs. */
  @Param({"0.1"})
  public double budget;

  private ExactOracles engine;
  private GradientOracle oracle;
  private FloatTensor x;
  private int[] labels;

  /** Samples × oracle calls and samples completed, reported by JMH as rates per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long sampleSteps;
    public long samples;
  }

  @Setup(Level.Trial)
  public void setUp() {
    Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures"), "torch-reference", model);
    OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
    engine = ExactOracles.create(m, OrtRuntime.cpu(1), OutputKind.detect(m));
    oracle = engine.gradient();
    x = Npy.readFloats(dir.resolve("pgd_inputs.npy")).slice(0, batch);
    labels = Arrays.copyOf(Npy.readLabels(dir.resolve("pgd_labels.npy")), batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public Object run(Counters counters) {
    int steps = Math.max(1, (int) Math.round(50 * budget));
    long[] calls = {0};
    Object out;
    if (attack.equals("fmn")) {
      out = FmnL2.withDefaults(Math.max(1, (int) Math.round(FmnL2.DEFAULT_STEPS * budget)), 0, InputRange.UNIT)
          .run(oracle, x, labels, Attack.consecutive(0, x.batchSize()), n -> calls[0] += n);
    } else {
      Attack a = switch (attack) {
        case "pgd" -> new PgdL2(steps, 2.5, 3, true, 0, InputRange.UNIT);
        case "apgd" -> new ApgdL2(steps, 3, 0, InputRange.UNIT);
        case "apgd-t" -> new ApgdTargetedL2(steps, ApgdTargetedL2.DEFAULT_TARGETS, 0, InputRange.UNIT);
        case "square" -> new SquareL2(Math.max(1, (int) Math.round(SquareL2.DEFAULT_QUERIES * budget)), SquareL2.DEFAULT_P_INIT, 0,
            InputRange.UNIT);
        default -> throw new IllegalArgumentException("unknown attack " + attack);
      };
      out = a.run(oracle, x, labels, 0.1, Attack.consecutive(0, x.batchSize()), n -> calls[0] += n);
    }
    counters.sampleSteps += (long) batch * calls[0];
    counters.samples += batch;
    return out;
  }
}
