package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.Attack;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.geometry.EigenSolver;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the audit's per-sample work at 1 and at W parallel workers, side by side with
 * the ratio, as the audit runs it: each worker holds its own exact oracles (ONNX Runtime sessions
 * with 1 intra-op thread) and loops over batches of {@value #BATCH} test samples of
 * {@code fixtures/torch-reference/<model>}; samples/s is the samples all workers finished in the
 * measured interval divided by its length. Operations: input gradient, one Hessian-vector
 * product, a default Lanczos solve (the Hessian spectral norm), and l2 PGD (10 steps, 1 restart,
 * ε = 0.5). The 1-worker and W-worker measurements alternate for several rounds and each column
 * is the median over rounds, so that a change of the machine's load during the run affects
 * both columns alike; the load average is printed before and after. The last two columns are the
 * CPU time the worker threads got per wall-clock second (at most the number of workers): when
 * two workers get well under 2 CPUs, the machine, not the audit, limited the ratio.
 *
 * <p>Run from the repository root after {@code mvn -B -q -pl benchmarks -am -DskipTests package}:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     io.lcnn.benchmarks.WorkerScalingBench [seconds per measurement, default 2] [workers, default 2] \
 *     [rounds, default 3] [models...]
 * </pre>
 */
public final class WorkerScalingBench {
  /** Samples per oracle call. */
  public static final int BATCH = 32;

  private static final List<String> OPS = List.of("gradient", "hvp", "lanczos", "pgd");

  private WorkerScalingBench() {}

  /** Prints the table. */
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> models = args.length > 3 ? Arrays.asList(args).subList(3, args.length)
        : List.of("mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized");
    System.out.printf("cores: %d, batch %d, %.1f s per measurement, median of %d alternating rounds, "
        + "ONNX Runtime 1 intra-op thread per worker; load average %s%n",
        Runtime.getRuntime().availableProcessors(), BATCH, seconds, rounds, loadAverage());
    System.out.printf("%-24s %-9s %14s %14s %7s %8s %8s%n", "model", "op", "1 worker /s", workers + " workers /s", "ratio",
        "cpu 1", "cpu " + workers);
    for (String model : models) {
      Path dir = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve(model);
      OnnxModelFile m = OnnxModelFile.load(dir.resolve("model.onnx"));
      FloatTensor x = Npy.readFloats(dir.resolve("inputs.npy")).slice(0, BATCH);
      int[] y = Arrays.copyOf(Npy.readLabels(dir.resolve("labels.npy")), BATCH);
      FloatTensor v = Npy.readFloats(dir.resolve("probe.npy")).slice(0, BATCH);
      ExactOracleFactory factory = new ExactOracleFactory();
      List<OracleSet> sets = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        sets.add(factory.create(m, OrtRuntime.cpu(1), OutputKind.detect(m)));
      }
      try {
        for (String op : OPS) {
          double[] ones = new double[rounds];
          double[] manys = new double[rounds];
          double[] cpuOne = new double[rounds];
          double[] cpuMany = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            double[] a = measure(sets.subList(0, 1), op, x, y, v, seconds);
            double[] b = measure(sets, op, x, y, v, seconds);
            ones[r] = a[0];
            cpuOne[r] = a[1];
            manys[r] = b[0];
            cpuMany[r] = b[1];
          }
          double one = median(ones);
          double many = median(manys);
          System.out.printf("%-24s %-9s %14.1f %14.1f %7.2f %8.2f %8.2f%n", model, op, one, many, many / one,
              median(cpuOne), median(cpuMany));
        }
      } finally {
        sets.forEach(OracleSet::close);
      }
    }
    System.out.printf("load average after: %s%n", loadAverage());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static void once(OracleSet o, String op, FloatTensor x, int[] y, FloatTensor v) {
    EigenSolver lanczos = AuditOptions.defaults().solver();
    switch (op) {
      case "gradient" -> o.gradient().gradient(x, y);
      case "hvp" -> o.hvp().hvp(x, y, v);
      case "lanczos" -> lanczos.solve(o.hvp(), x, y, 0);
      case "pgd" -> new PgdL2(10, 2.5, 1, true, 0, InputRange.UNIT)
          .run(o.gradient(), x, y, 0.5, Attack.consecutive(0, x.batchSize()), n -> {});
      default -> throw new IllegalArgumentException(op);
    }
  }

  /**
   * Samples/s of all workers together, and the CPU the worker threads got (CPU seconds per wall
   * second; W at most): one warm-up call each, then {@code seconds} of calls.
   */
  private static double[] measure(List<OracleSet> workers, String op, FloatTensor x, int[] y, FloatTensor v, double seconds)
      throws Exception {
    AtomicLong samples = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(workers.size() + 1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    long duration = (long) (seconds * 1e9);
    for (OracleSet o : workers) {
      Thread t = new Thread(() -> {
        try {
          once(o, op, x, y, v);
          start.await();
          var mx = java.lang.management.ManagementFactory.getThreadMXBean();
          long cpu0 = mx.getCurrentThreadCpuTime();
          long end = System.nanoTime() + duration;
          while (System.nanoTime() < end) {
            once(o, op, x, y, v);
            samples.addAndGet(x.batchSize());
          }
          cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      threads.add(t);
    }
    start.await();
    window[0] = System.nanoTime();
    for (Thread t : threads) {
      t.join();
    }
    window[1] = System.nanoTime();
    double wall = (window[1] - window[0]) / 1e9;
    return new double[] {samples.get() / wall, cpuNanos.get() / 1e9 / wall};
  }
}
