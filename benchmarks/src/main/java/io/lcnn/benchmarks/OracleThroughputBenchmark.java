package io.lcnn.benchmarks;

import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.FiniteDifferenceOracleFactory;
import io.lcnn.auditor.audit.OracleFactory;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.geometry.EigenEstimate;
import io.lcnn.auditor.geometry.EigenSolver;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.Device;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Auditor oracle throughput in samples per second, per reference model and differentiation mode:
 * input gradients, Hessian-vector products, and a full default eigen-solve (the Hessian spectral
 * norm of a sample). Each invocation handles a batch of {@value #BATCH} test samples of
 * {@code fixtures/torch-reference/<model>}, so JMH's ops/s are samples/s.
 *
 * <p>Run from the repository root after {@code mvn -B -q -pl benchmarks -am -DskipTests package}:
 *
 * <pre>
 * java -Dlcnn.fixtures=fixtures -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     org.openjdk.jmh.Main OracleThroughputBenchmark -p mode=exact
 * </pre>
 *
 * Parameters: {@code model} (the four reference models), {@code mode} ({@code exact} or
 * {@code finite-difference}), {@code device} ({@code cpu}, {@code cuda}, {@code auto}), {@code threads}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class OracleThroughputBenchmark {
  /** Samples per oracle call. */
  public static final int BATCH = 32;

  @Param({"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  public String model;

  @Param({"exact", "finite-difference"})
  public String mode;

  @Param({"cpu"})
  public String device;

  @Param({"0"})
  public int threads;

  private OracleSet oracles;
  private FloatTensor x;
  private int[] labels;
  private FloatTensor probe;
  private EigenSolver solver;

  @Setup(Level.Trial)
  public void setUp() {
    Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve(model);
    OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
    OracleFactory factory = mode.equals("exact") ? new ExactOracleFactory() : FiniteDifferenceOracleFactory.defaults();
    oracles = factory.create(m, new OrtRuntime(Device.parse(device), threads, System.err), OutputKind.detect(m));
    x = Npy.readFloats(dir.resolve("inputs.npy")).slice(0, BATCH);
    labels = Arrays.copyOf(Npy.readLabels(dir.resolve("labels.npy")), BATCH);
    probe = Npy.readFloats(dir.resolve("probe.npy")).slice(0, BATCH);
    solver = AuditOptions.defaults().solver();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    oracles.close();
  }

  /** Loss, output and input gradient of {@value #BATCH} samples. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public GradientResult gradient() {
    return oracles.gradient().gradient(x, labels);
  }

  /** One Hessian-vector product for each of {@value #BATCH} samples. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public FloatTensor hvp() {
    return oracles.hvp().hvp(x, labels, probe);
  }

  /** The Hessian spectral norm of {@value #BATCH} samples with the default eigen-solver. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<EigenEstimate> spectralNorm() {
    return solver.solve(oracles.hvp(), x, labels, 0);
  }
}
