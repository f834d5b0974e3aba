package io.lcnn.benchmarks;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.lcnn.datasets.SyntheticImages;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Side-by-side throughput of the auditor (ONNX Runtime, exact differentiated graphs) and libtorch
 * autograd through DJL on the same trainer model and batch, printed as a table with the ratio
 * auditor ÷ libtorch for each pair: input gradients (samples/s), Hessian-vector products
 * (samples/s) and l2 PGD (samples × steps/s; one restart from a random start, ε = 0.1,
 * α = 2.5·ε/steps). Both sides run in float32; libtorch runs on 1 intra-op thread (the float32
 * safety setting) and ONNX Runtime on 1 thread for the fair ratio and on 2 threads for reference.
 *
 * <p>Each figure is the median over rounds of (work done ÷ wall time) where a round repeats the
 * operation for at least {@code seconds}; the engines alternate within a round, so load from other
 * processes hits both alike. One warm-up round is discarded.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code family} (small-cnn), {@code recipe}
 * (lcnn), {@code width} (1.0), {@code batches} (32,128), {@code steps} (PGD steps, 10),
 * {@code rounds} (5), {@code seconds} (1.0), {@code hvpCalls} (most libtorch HVP calls per round,
 * 0 = no limit).
 */
public final class CrossEngineComparison {
  private final Map<String, String> args;

  private CrossEngineComparison(Map<String, String> args) {
    this.args = args;
  }

  /** Runs the comparison and prints the table to standard output. */
  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value, got '" + s + "'");
      }
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    new CrossEngineComparison(a).run(System.out);
  }

  private String arg(String key, String fallback) {
    return args.getOrDefault(key, fallback);
  }

  private void run(PrintStream out) throws Exception {
    ModelFamily family = ModelFamily.parse(arg("family", "small-cnn"));
    Recipe recipe = Arrays.stream(Recipe.values()).filter(r -> r.id().equals(arg("recipe", "lcnn"))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown recipe " + arg("recipe", "lcnn")));
    double width = Double.parseDouble(arg("width", "1.0"));
    int[] batches = Arrays.stream(arg("batches", "32,128").split(",")).mapToInt(Integer::parseInt).toArray();
    int steps = Integer.parseInt(arg("steps", "10"));
    int rounds = Integer.parseInt(arg("rounds", "5"));
    double seconds = Double.parseDouble(arg("seconds", "1.0"));
    int hvpCalls = Integer.parseInt(arg("hvpCalls", "0"));

    ai.djl.engine.Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
    Path dir = Files.createTempDirectory("lcnn-cross-engine");
    try {
      TrainedModel model = TrainedModel.train(family, recipe, width, 10, dir);
      OnnxModelFile onnx = OnnxModelFile.load(model.onnx());
      OutputKind kind = OutputKind.detect(onnx);
      out.printf(Locale.ROOT, "model: %s %s width %s (10 SGD steps on synthetic 28x28 images), exported by OnnxExporter%n",
          family.id(), recipe.id(), width);
      out.printf(Locale.ROOT, "threads: libtorch %d intra-op (OMP_NUM_THREADS=%s), ONNX Runtime 1 and 2 intra-op; "
          + "float32 both; %d cores, load average %s%n", TorchAutograd.threads(), System.getenv("OMP_NUM_THREADS"),
          Runtime.getRuntime().availableProcessors(), loadAverage());
      out.printf(Locale.ROOT, "rounds: %d x >= %.1f s per engine (median), PGD %d steps, 1 restart, eps 0.1%n%n",
          rounds, seconds, steps);
      out.printf(Locale.ROOT, "%-9s %6s %14s %14s %14s %10s %10s%n", "what", "batch", "auditor-1t", "auditor-2t",
          "libtorch-1t", "ratio-1t", "ratio-2t");
      try (ExactOracles ort1 = ExactOracles.create(onnx, OrtRuntime.cpu(1), kind);
          ExactOracles ort2 = ExactOracles.create(onnx, OrtRuntime.cpu(2), kind);
          Network net = model.network()) {
        TorchAutograd torch = new TorchAutograd(net, DataType.FLOAT32);
        for (int b : batches) {
          LabeledData data = SyntheticImages.make(b, 3);
          FloatTensor x = data.inputs();
          int[] y = data.labels();
          FloatTensor v = gaussian(x.shape(), 11);
          PgdL2 pgd = new PgdL2(steps, 2.5, 1, true, 0, InputRange.UNIT);
          TorchPgdL2 torchPgd = new TorchPgdL2(steps, 2.5, 1, true, 0, InputRange.UNIT);
          row(out, "gradient", b, rounds, seconds, Integer.MAX_VALUE,
              () -> { ort1.gradient().gradient(x, y); return b; },
              () -> { ort2.gradient().gradient(x, y); return b; },
              () -> { torch.gradient(x, y); return b; });
          row(out, "hvp", b, rounds, seconds, hvpCalls > 0 ? hvpCalls : Integer.MAX_VALUE,
              () -> { ort1.hvp().hvp(x, y, v); return b; },
              () -> { ort2.hvp().hvp(x, y, v); return b; },
              () -> { torch.hvp(x, y, v); return b; });
          row(out, "pgd", b, rounds, seconds, Integer.MAX_VALUE,
              () -> { pgd.run(ort1.gradient(), x, y, 0.1, io.lcnn.auditor.attack.Attack.consecutive(0, x.batchSize()), n -> { }); return b * steps; },
              () -> { pgd.run(ort2.gradient(), x, y, 0.1, io.lcnn.auditor.attack.Attack.consecutive(0, x.batchSize()), n -> { }); return b * steps; },
              () -> { torchPgd.run(torch, x, y, 0.1); return b * steps; });
        }
      }
      out.printf(Locale.ROOT, "%nunits: gradient and hvp in samples/s, pgd in samples x steps/s; ratio = auditor / libtorch"
          + "; load average at the end %s%n", loadAverage());
    } finally {
      deleteTree(dir);
    }
  }

  /** Measures the three engines in alternation and prints one table row. */
  private static void row(PrintStream out, String what, int batch, int rounds, double seconds, int torchCallCap,
      IntSupplier ort1, IntSupplier ort2, IntSupplier torch) {
    List<Double> a1 = new ArrayList<>();
    List<Double> a2 = new ArrayList<>();
    List<Double> t = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      double x1 = rate(ort1, seconds, Integer.MAX_VALUE);
      double x2 = rate(ort2, seconds, Integer.MAX_VALUE);
      double xt = rate(torch, seconds, torchCallCap);
      if (r > 0) {
        a1.add(x1);
        a2.add(x2);
        t.add(xt);
      }
    }
    double m1 = median(a1);
    double m2 = median(a2);
    double mt = median(t);
    out.printf(Locale.ROOT, "%-9s %6d %14.1f %14.1f %14.1f %10.2f %10.2f%n", what, batch, m1, m2, mt, m1 / mt, m2 / mt);
    out.flush();
  }

  /** Units of work per second: repeats {@code op} until {@code seconds} pass or {@code maxCalls} calls are made. */
  private static double rate(IntSupplier op, double seconds, int maxCalls) {
    long budget = (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    long work = 0;
    int calls = 0;
    long elapsed;
    do {
      work += op.getAsInt();
      calls++;
      elapsed = System.nanoTime() - t0;
    } while (elapsed < budget && calls < maxCalls);
    return work / (elapsed / 1e9);
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static FloatTensor gaussian(long[] shape, long seed) {
    Random r = new Random(seed);
    float[] v = new float[(int) FloatTensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new FloatTensor(shape.clone(), v);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
