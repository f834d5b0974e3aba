package io.lcnn.benchmarks;

import io.lcnn.auditor.attack.Attack;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.MemoryPlanner;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.geometry.EigenSolver;
import io.lcnn.auditor.geometry.GeometryMeter;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.MemoryPlan;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost of an audit's per-sample work on one large model (e.g. a 224×224 ResNet-50 from
 * {@code tools/zoo/make_zoo.py --resnet50 DIR}), phase by phase: deriving the exact graphs and
 * opening their sessions, the geometry (input gradient and a Lanczos estimate of the Hessian
 * spectral norm, {@code lanczos} HVPs at most) and l2 PGD ({@code pgd} steps, 1 restart,
 * ε = 1). For each phase it prints wall seconds, seconds per sample, the seconds spent inside
 * the oracles' calls (ONNX Runtime's session.run plus copying the tensors in and out) and their
 * share of the wall time, the CPU seconds the whole process used (all threads, ONNX Runtime's
 * included: under other jobs' load, wall time stretches but CPU time much less), and the process's peak resident memory during the phase (Linux
 * {@code VmHWM}, reset before each phase through {@code /proc/self/clear_refs}) with its growth
 * over the resident size before the sessions were opened, per sample of a batch. Inputs are
 * uniform in [0, 1) (seed 0), labels uniform over the classes. It also prints the
 * {@code --memory-budget} plan for the model at the default budget, to compare the estimate with
 * the measured growth.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     io.lcnn.benchmarks.LargeModelAuditBench MODEL.onnx [samples 4] [batch 0 = the memory plan's, at most samples] \
 *     [lanczos 5] [pgd 3] [threads 2]
 * </pre>
 */
public final class LargeModelAuditBench {
  private LargeModelAuditBench() {}

  /** Prints the table. */
  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int batchArg = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int lanczos = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int pgdSteps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    System.out.printf("%s, %s; cores %d, ONNX Runtime %d intra-op threads, max heap %s; load average %s%n",
        Instant.now(), path, Runtime.getRuntime().availableProcessors(), threads,
        MemoryPlanner.size(Runtime.getRuntime().maxMemory()), loadAverage());
    OnnxModelFile m = OnnxModelFile.load(path);
    MemoryPlan plan = MemoryPlanner.plan(m, AuditOptions.defaults().with(AuditOptions.BATCH_SIZE, samples));
    int batch = batchArg > 0 ? batchArg : plan.batchSize();
    System.out.printf("memory plan at the default budget: %s%n", plan.note());
    System.out.printf("  forward values %s per sample, estimate %s per sample, weights %s per worker%n",
        MemoryPlanner.size(plan.forwardBytesPerSample()), MemoryPlanner.size(plan.bytesPerSample()),
        MemoryPlanner.size(plan.fixedBytesPerWorker()));
    long base = kib("VmRSS");
    resetPeak();
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    OutputKind kind = OutputKind.detect(m);
    try (OracleSet o = new ExactOracleFactory().create(m, OrtRuntime.cpu(threads), kind)) {
      double open = (System.nanoTime() - t0) / 1e9;
      long openPeak = kib("VmHWM");
      Timed timed = new Timed(o.gradient(), o.hvp());
      long[] shape = m.sampleShape();
      long[] full = new long[shape.length + 1];
      full[0] = samples;
      System.arraycopy(shape, 0, full, 1, shape.length);
      Random rnd = new Random(0);
      float[] data = new float[Math.toIntExact(FloatTensor.numel(full))];
      for (int i = 0; i < data.length; i++) {
        data[i] = rnd.nextFloat();
      }
      FloatTensor x = new FloatTensor(full, data);
      int classes = o.gradient().forward(x.slice(0, 1), new int[] {0}).output().sampleSize();
      int[] y = new int[samples];
      for (int i = 0; i < samples; i++) {
        y[i] = rnd.nextInt(classes);
      }
      System.out.printf("samples %d, batch %d, classes %d, Lanczos at most %d HVPs, PGD %d steps x 1 restart;"
          + " resident before the sessions: %s%n%n", samples, batch, classes, lanczos, pgdSteps, mib(base));
      System.out.printf("%-10s %8s %10s %10s %10s %8s %10s %12s %12s %16s%n", "phase", "samples", "wall s", "s/sample",
          "oracle s", "ORT %", "CPU s", "CPU s/sample", "peak RSS", "growth/sample");
      System.out.printf("%-10s %8s %10.1f %10s %10s %8s %10.1f %12s %12s %16s%n", "open", "-", open, "-", "-", "-",
          (cpuNanos() - cpu0) / 1e9, "-", mib(openPeak), "-");
      EigenSolver solver = AuditOptions.defaults().withEigen("lanczos", lanczos, 1e-3).solver();
      GeometryMeter meter = new GeometryMeter(timed, timed.hvpOracle(), solver, 1e-6);
      phase("geometry", timed, samples, batch, base, (xb, yb, from) -> meter.measure(xb, yb, from, 0), x, y);
      PgdL2 pgd = new PgdL2(pgdSteps, 2.5, 1, true, 0, InputRange.UNIT);
      phase("pgd", timed, samples, batch, base,
          (xb, yb, from) -> pgd.run(timed, xb, yb, 1.0, Attack.consecutive(from, xb.batchSize()), n -> {}), x, y);
    }
    System.out.printf("%nload average after: %s%n", loadAverage());
  }

  private interface Work {
    void run(FloatTensor x, int[] y, int from);
  }

  private static void phase(String name, Timed timed, int samples, int batch, long base, Work work, FloatTensor x, int[] y) {
    resetPeak();
    timed.nanos.set(0);
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    for (int from = 0; from < samples; from += batch) {
      int to = Math.min(samples, from + batch);
      work.run(x.slice(from, to), Arrays.copyOfRange(y, from, to), from);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double inside = timed.nanos.get() / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    long peak = kib("VmHWM");
    System.out.printf("%-10s %8d %10.1f %10.2f %10.1f %8.1f %10.1f %12.2f %12s %16s%n", name, samples, wall, wall / samples,
        inside, 100 * inside / wall, cpu, cpu / samples, mib(peak), mib((peak - base) / Math.min(batch, samples)));
  }

  /** The oracles with the time spent in their calls added up. */
  private static final class Timed implements GradientOracle {
    private final GradientOracle gradient;
    private final HvpOracle hvp;
    private final AtomicLong nanos = new AtomicLong();

    Timed(GradientOracle gradient, HvpOracle hvp) {
      this.gradient = gradient;
      this.hvp = hvp;
    }

    /** Runs {@code call}, adding its duration to the total. */
    private <T> T time(java.util.function.Supplier<T> call) {
      long t = System.nanoTime();
      try {
        return call.get();
      } finally {
        nanos.addAndGet(System.nanoTime() - t);
      }
    }

    @Override
    public GradientResult gradient(FloatTensor x, int[] labels) {
      return time(() -> gradient.gradient(x, labels));
    }

    @Override
    public ForwardResult forward(FloatTensor x, int[] labels) {
      return time(() -> gradient.forward(x, labels));
    }

    @Override
    public String mode() {
      return gradient.mode();
    }

    HvpOracle hvpOracle() {
      return new HvpOracle() {
        @Override
        public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
          return time(() -> hvp.hvp(x, labels, v));
        }

        @Override
        public String mode() {
          return hvp.mode();
        }
      };
    }
  }

  /** CPU time of the whole process (every thread, native ones included), in nanoseconds. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String mib(long kib) {
    return String.format("%.0f MiB", kib / 1024.0);
  }

  /** A field of /proc/self/status in KiB (0 when unreadable). */
  private static long kib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** Resets the peak resident size (VmHWM) to the current one. */
  private static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (java.io.IOException e) {
      System.out.println("note: cannot reset the peak resident size (" + e.getMessage() + "); peaks are since start");
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
