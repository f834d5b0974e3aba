package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The unit of work from the model's bytes: (model bytes, plan, shard) → per-sample results, as a
 * distributed job's task calls it. Each JVM keeps the oracles it opened, keyed by the model's
 * sha256, and hands one set to each concurrent call, so sessions are opened once per model and
 * concurrent task thread rather than once per task. The oracles are exact when the plan's HVP is
 * exact ({@code hvpStep == 0}, as the driver decided) and finite differences otherwise; each
 * set's sessions get {@code --threads} intra-op threads (1 when 0).
 */
public final class ShardFunction {
  private static final Map<String, Queue<OracleSet>> FREE = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> OPENED = new ConcurrentHashMap<>();
  private static final ExactOracleFactory EXACT = new ExactOracleFactory();

  private ShardFunction() {}

  /**
   * Audits one block-aligned shard of the model whose ONNX file holds {@code modelBytes}.
   *
   * @param modelName the model's file name, for messages
   * @param progress told the number of samples whose geometry is done
   */
  public static ShardResult apply(byte[] modelBytes, String modelName, AuditPlan plan, Shard shard, IntConsumer progress) {
    return apply(modelBytes, modelName, plan, shard, 0, progress);
  }

  /**
   * Audits one block-aligned shard, with CUDA sessions (when the plan's device asks for CUDA) on
   * GPU {@code cudaDevice}, e.g. the one a cluster scheduler assigned to the calling task.
   */
  public static ShardResult apply(
      byte[] modelBytes, String modelName, AuditPlan plan, Shard shard, int cudaDevice, IntConsumer progress) {
    OnnxModelFile model = OnnxModelFile.parse(Path.of(modelName), modelBytes);
    String key = model.sha256() + "/" + (plan.hvpStep() == 0 ? "exact" : "fd") + "/" + plan.options().threads()
        + "/" + plan.options().device() + cudaDevice;
    Queue<OracleSet> free = FREE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    OracleSet oracles = free.poll();
    if (oracles == null) {
      oracles = open(model, plan, cudaDevice);
      OPENED.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
    try {
      return AuditShard.run(oracles, plan, shard, progress);
    } finally {
      free.add(oracles);
    }
  }

  /** How many oracle sets this JVM has opened for the model with this sha256 (all modes). */
  public static int openedFor(String sha256) {
    return OPENED.entrySet().stream().filter(e -> e.getKey().startsWith(sha256 + "/"))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  private static OracleSet open(OnnxModelFile model, AuditPlan plan, int cudaDevice) {
    AuditOptions o = plan.options();
    OrtRuntime runtime = new OrtRuntime(o.device(), Math.max(1, o.threads()), System.err, cudaDevice);
    OutputKind kind = o.outputKind(model);
    if (plan.hvpStep() == 0) {
      return EXACT.create(model, runtime, kind);
    }
    return new FiniteDifferenceOracleFactory(o.fdGradientStep(), plan.hvpStep(), o.fdRowsPerCall()).create(model, runtime, kind);
  }
}
