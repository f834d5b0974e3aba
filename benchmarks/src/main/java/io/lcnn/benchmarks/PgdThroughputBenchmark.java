package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.AttackOutcome;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
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
 * l2 PGD throughput on ONNX Runtime with the exact gradient engine, in attacked samples × steps
 * per second (the {@code sampleSteps} counter), on a fixture of {@code torch-reference} with its
 * {@code pgd_inputs.npy}: one PGD restart of {@value #STEPS} steps at ε = 0.1 on a batch, one
 * oracle call per step. The side-by-side comparison with the same attack written with libtorch
 * through DJL, on a trainer model, is {@link CrossEngineComparison}. Fixtures are found through
 * {@code -Dlcnn.fixtures} (default {@code fixtures}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PgdThroughputBenchmark {
  /** PGD steps per invocation. */
  public static final int STEPS = 10;

  @Param({"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus"})
  public String model;

  @Param({"32", "200"})
  public int batch;

  @Param({"1"})
  public int threads;

  private ExactOracles engine;
  private GradientOracle oracle;
  private FloatTensor x;
  private int[] labels;
  private PgdL2 pgd;

  /** Samples × steps completed, reported by JMH as a rate per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long sampleSteps;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures"), "torch-reference", model);
    OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
    engine = ExactOracles.create(m, OrtRuntime.cpu(threads), OutputKind.detect(m));
    oracle = engine.gradient();
    x = Npy.readFloats(dir.resolve("pgd_inputs.npy")).slice(0, batch);
    labels = Arrays.copyOf(Npy.readLabels(dir.resolve("pgd_labels.npy")), batch);
    pgd = new PgdL2(STEPS, 2.5, 1, true, 0, InputRange.UNIT);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public AttackOutcome pgdRestart(Counters counters) {
    AttackOutcome o = pgd.run(oracle, x, labels, 0.1, io.lcnn.auditor.attack.Attack.consecutive(0, x.batchSize()), n -> {});
    counters.sampleSteps += (long) batch * STEPS;
    return o;
  }
}
