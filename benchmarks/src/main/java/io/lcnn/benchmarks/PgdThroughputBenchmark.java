package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.AttackOutcome;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.model.OnnxModelFile;
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
 * l2 PGD throughput on ONNX Runtime, in attacked samples × steps per second (the
 * {@code sampleSteps} counter), on the fixture {@code torch-reference/mlp_softplus} with its
 * {@code pgd_inputs.npy}: one PGD restart of {@value #STEPS} steps at ε = 0.1 on a batch, one
 * oracle call per step. Gradients come from {@link ChainGradientOracle}; the libtorch (DJL)
 * version of the same attack on the same model and batch is paired with this one in a later
 * change. Fixtures are found through {@code -Dlcnn.fixtures} (default {@code fixtures}).
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

  @Param({"32", "200"})
  public int batch;

  @Param({"1"})
  public int threads;

  private ChainGradientOracle oracle;
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
    Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures"), "torch-reference", "mlp_softplus");
    OnnxModelFile model = OnnxModelFile.load(dir.resolve("model.onnx"));
    oracle = new ChainGradientOracle(model, OrtRuntime.cpu(threads), 10);
    x = Npy.readFloats(dir.resolve("pgd_inputs.npy")).slice(0, batch);
    labels = Arrays.copyOf(Npy.readLabels(dir.resolve("pgd_labels.npy")), batch);
    pgd = new PgdL2(STEPS, 2.5, 1, true, 0, InputRange.UNIT);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    oracle.close();
  }

  @Benchmark
  public AttackOutcome pgdRestart(Counters counters) {
    AttackOutcome o = pgd.run(oracle, x, labels, 0.1, 0, n -> {});
    counters.sampleSteps += (long) batch * STEPS;
    return o;
  }
}
