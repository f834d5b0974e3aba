package io.lcnn.spark;

import io.lcnn.auditor.audit.AuditPlan;
import io.lcnn.auditor.audit.ShardFunction;
import io.lcnn.auditor.audit.ShardResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The Spark task: audits the shards of one partition with {@link ShardFunction} on the broadcast
 * model bytes. The executor JVM keeps ShardFunction's oracle sets (one ONNX Runtime environment,
 * sessions keyed by the model's sha256) across tasks; each task's sessions get
 * {@code spark.task.cpus} intra-op threads and the GPU Spark assigned it, if any ({@link Placement}).
 */
final class ShardPartition implements FlatMapFunction<Iterator<ShardTask>, TaskOutput> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> model;
  private final String modelName;
  private final PlanSpec plan;

  ShardPartition(Broadcast<byte[]> model, String modelName, PlanSpec plan) {
    this.model = model;
    this.modelName = modelName;
    this.plan = plan;
  }

  @Override
  public Iterator<TaskOutput> call(Iterator<ShardTask> tasks) {
    TaskContext task = TaskContext.get();
    Placement where = Placement.of(task, plan.options().device());
    AuditPlan p = plan.plan(task == null ? 1 : task.cpus(), where.device());
    Configuration conf = new Configuration();
    String executor = SparkEnv.get().executorId();
    byte[] bytes = model.value();
    List<TaskOutput> out = new ArrayList<>();
    while (tasks.hasNext()) {
      ShardResult r = ShardFunction.apply(bytes, modelName, p, tasks.next().shard(conf), where.cudaDevice(), n -> {});
      out.add(new TaskOutput(executor, RecordCodec.encode(r)));
    }
    return out.iterator();
  }
}
