package io.lcnn.auditor.audit;

import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.ModelPreparer;
import io.lcnn.auditor.diff.ShapeProbe;
import io.lcnn.auditor.diff.TensorFacts;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.DynamicBatchView;
import io.lcnn.auditor.result.MemoryPlan;
import io.lcnn.errors.PrintableText;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Fits an audit's batch size and workers to its memory budget ({@code --memory-budget}, default
 * {@value #DEFAULT_SHARE_PERCENT} % of physical memory). ONNX Runtime does not report what a
 * graph needs, so the planner estimates it from the model's shapes:
 *
 * <ul>
 *   <li>{@code forward} = bytes per sample of every batch-dependent value of the forward graph
 *       (input and node outputs), learned by running the prepared model once at batch 1 and 2
 *       with every value exposed ({@link ShapeProbe});
 *   <li>per sample = {@value #GRAPH_FACTOR} × forward: the same sum over the gradient graph and
 *       the Hessian-vector graph together (one worker holds both sessions, and ONNX Runtime's
 *       arena keeps each session's peak), which on every model checked stays below that multiple
 *       of the forward sum ({@code MemoryPlannerTest}); it counts every value as alive at once,
 *       so it over-states what ONNX Runtime, which reuses buffers, needs;
 *   <li>plus the eigen-solver's Krylov basis on the Java heap: its most iterations × the sample
 *       size × 8 bytes (double precision);
 *   <li>fixed per worker = 2 × the bytes of the weights (each session holds a copy).
 * </ul>
 *
 * <p>The batch size becomes the largest that fits one worker, at most {@code --batch-size}; the
 * work is then cut in blocks of that size before it is shared out, and only as many workers run
 * as the budget holds at that size, so the results never depend on the number of workers. When
 * not even one sample fits, the audit stops with one line naming the budget and the estimate.
 */
public final class MemoryPlanner {
  /** Default budget, in percent of physical memory (the JVM's default heap is another 25 %). */
  public static final int DEFAULT_SHARE_PERCENT = 25;
  /** Bound on (gradient-graph + HVP-graph bytes per sample) / (forward-graph bytes per sample). */
  public static final double GRAPH_FACTOR = 16;
  /** Sessions per worker that hold the weights (gradient and HVP graphs). */
  public static final int SESSIONS_PER_WORKER = 2;

  private MemoryPlanner() {}

  /** The default budget: {@value #DEFAULT_SHARE_PERCENT} % of the physical memory the JVM sees (container limits included). */
  public static long defaultBudget() {
    return physicalMemory() / 100 * DEFAULT_SHARE_PERCENT;
  }

  private static long physicalMemory() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
  }

  /**
   * Plans the audit of {@code model} under {@code options}.
   *
   * @throws InvalidInputException when one sample's estimate does not fit the budget
   */
  public static MemoryPlan plan(OnnxModelFile model, AuditOptions options) {
    long forward;
    try {
      forward = forwardBytesPerSample(model);
    } catch (RuntimeException e) {
      return unestimated(options, "not estimated (the forward graph could not be probed: "
          + PrintableText.oneLine(String.valueOf(e.getMessage())) + "); batch size as given");
    }
    return plan(forward, SESSIONS_PER_WORKER * weightBytes(model), solverBytesPerSample(model, options), options);
  }

  /** The eigen-solver's Krylov basis per sample: its most iterations × the sample size × 8 bytes. */
  static long solverBytesPerSample(OnnxModelFile model, AuditOptions options) {
    long d = 1;
    for (long s : model.sampleShape()) {
      d *= Math.max(s, 1);
    }
    return (long) options.solver().maxIterations() * d * Double.BYTES;
  }

  /**
   * Plans from a known forward-graph size per sample and fixed bytes per worker.
   *
   * @throws InvalidInputException when one sample's estimate does not fit the budget
   */
  static MemoryPlan plan(long forwardBytesPerSample, long fixedBytesPerWorker, long solverBytesPerSample,
      AuditOptions options) {
    long budget = budget(options);
    long perSample = (long) Math.ceil(GRAPH_FACTOR * forwardBytesPerSample) + solverBytesPerSample;
    long room = budget - fixedBytesPerWorker;
    long fit = perSample == 0 ? Integer.MAX_VALUE : room / perSample;
    if (room < 0 || fit < 1) {
      throw new InvalidInputException("--memory-budget " + size(budget) + " is below the estimated memory of one sample:"
          + " " + size(perSample) + " per sample (" + (int) GRAPH_FACTOR + " × " + size(forwardBytesPerSample)
          + " of forward values + " + size(solverBytesPerSample) + " of eigen-solver basis) + " + size(fixedBytesPerWorker)
          + " of weights; raise --memory-budget");
    }
    int requested = options.batchSize();
    int b = (int) Math.min(requested, fit);
    long perWorker = fixedBytesPerWorker + b * perSample;
    int maxWorkers = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / perWorker));
    String note = (b < requested ? "batch size " + b + " instead of " + requested : "batch size " + b) + ": "
        + size(perSample) + " per sample and " + size(fixedBytesPerWorker) + " of weights per worker (estimated) fit "
        + size(budget) + " " + (b < requested ? "only up to " + b + " samples per call" : "with room") + "; "
        + maxWorkers + " worker" + (maxWorkers == 1 ? "" : "s") + " at most";
    return new MemoryPlan(budget, source(options), forwardBytesPerSample, GRAPH_FACTOR, solverBytesPerSample, perSample,
        fixedBytesPerWorker, requested, b, maxWorkers, note);
  }

  private static MemoryPlan unestimated(AuditOptions options, String note) {
    return new MemoryPlan(budget(options), source(options), null, null, null, null, null, options.batchSize(),
        options.batchSize(), options.workers(), note);
  }

  private static long budget(AuditOptions options) {
    long given = options.get(AuditOptions.MEMORY_BUDGET);
    return given > 0 ? given : defaultBudget();
  }

  private static String source(AuditOptions options) {
    return options.get(AuditOptions.MEMORY_BUDGET) > 0 ? "--memory-budget"
        : "default: " + DEFAULT_SHARE_PERCENT + " % of physical memory (" + size(physicalMemory()) + ")";
  }

  /**
   * Bytes per sample of the batch-dependent values of the model's forward graph; a model whose
   * batch axis is fixed at n and cannot be probed at another batch size counts all its computed
   * values at batch n, divided by n.
   */
  public static long forwardBytesPerSample(OnnxModelFile model) {
    io.lcnn.auditor.runtime.OrtRuntime.quietEnvironment();
    String label = model.path().getFileName() == null ? model.path().toString() : model.path().getFileName().toString();
    var prepared = ModelPreparer.prepare(model.proto(), label);
    int n = DynamicBatchView.fixedBatch(model);
    if (n > 0) {
      try {
        return ShapeProbe.probe(GraphDifferentiator.withDynamicBatch(prepared, model.inputName()), label).bytesPerSample();
      } catch (RuntimeException e) {
        TensorFacts fixed = ShapeProbe.probe(prepared, label);
        return (fixed.computedBytes() + n - 1) / n;
      }
    }
    return ShapeProbe.probe(prepared, label).bytesPerSample();
  }

  /** Bytes of the model's weights (4 per parameter, float32). */
  static long weightBytes(OnnxModelFile model) {
    return 4 * model.parameterCount();
  }

  /** A size in binary units, e.g. {@code 1.5 GiB}. */
  public static String size(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
