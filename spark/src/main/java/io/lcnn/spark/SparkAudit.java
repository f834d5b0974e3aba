package io.lcnn.spark;

import io.lcnn.auditor.audit.AuditEngine;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.InvalidInputException;
import io.lcnn.auditor.audit.Shard;
import io.lcnn.auditor.audit.ShardResult;
import io.lcnn.auditor.result.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * An audit's shards as one Spark job: the model's bytes are broadcast once; the shards (blocks of
 * {@code --batch-size} samples) are spread over at most 4 partitions per core of the cluster
 * ({@code defaultParallelism}), each partition's task audits its shards with
 * {@link io.lcnn.auditor.audit.ShardFunction} ({@link ShardPartition}); the driver collects the
 * per-sample results, writes them as {@value SampleTable#FILE} into the audit folder, and returns
 * them for {@link io.lcnn.auditor.audit.AuditMerge}. Test and training inputs that are
 * {@code .npy} files are read by range on the executors ({@link NpyRows}); others are shipped
 * with the tasks.
 *
 * <p>The job runs on the Spark context already active in this JVM (spark-submit, a notebook, a
 * test), or on a new one for the {@code --spark} master that it stops at the end.
 */
public final class SparkAudit {
  /** Partitions per core of the cluster: enough to even out uneven blocks, few enough to keep task overhead small. */
  static final int PARTITIONS_PER_CORE = 4;

  private static final String OWNER = "lcnn.audit.owner";

  private SparkAudit() {}

  /** Runs {@code job}'s shards on Spark. */
  public static AuditEngine.Run run(AuditEngine.Job job, IntConsumer progress) {
    String master = job.plan().options().get(AuditOptions.SPARK);
    refuseHybrid(job);
    List<ShardTask> tasks = tasks(job);
    String owner = UUID.randomUUID().toString();
    long begun = System.nanoTime();
    SparkContext context = SparkContext.getOrCreate(conf(master, job.model().path().getFileName().toString(), owner));
    boolean own = owner.equals(context.getConf().get(OWNER, ""));
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(context);
      if (own) {
        sc.setLogLevel("WARN");
      }
      Broadcast<byte[]> model = sc.broadcast(job.model().bytes());
      int partitions = Math.max(1, Math.min(tasks.size(), PARTITIONS_PER_CORE * Math.max(1, sc.defaultParallelism())));
      List<TaskOutput> outputs;
      long started = System.nanoTime();
      try {
        outputs = sc.parallelize(tasks, partitions)
            .mapPartitions(new ShardPartition(model, job.model().path().getFileName().toString(), PlanSpec.of(job.plan())))
            .collect();
      } catch (Exception e) {
        throw jobFailure(e);
      } finally {
        model.destroy();
      }
      List<ShardResult> results = new ArrayList<>();
      Map<String, Integer> byExecutor = new HashMap<>();
      for (TaskOutput o : outputs) {
        ShardResult r = RecordCodec.decode(o.result(), ShardResult.class);
        results.add(r);
        byExecutor.merge(o.executor(), 1, Integer::sum);
        progress.accept(r.geometry().size());
      }
      int samples = results.stream().mapToInt(r -> r.geometry().size()).sum();
      double seconds = (System.nanoTime() - started) / 1e9;
      System.err.printf(java.util.Locale.ROOT,
          "spark: %d samples in %d tasks on %d executors of %s: job %.2f s (%.1f samples/s) after %.2f s of start-up%n",
          samples, partitions, byExecutor.size(), context.master(), seconds, samples / seconds, (started - begun) / 1e9);
      if (job.auditDir() != null) {
        SampleTable.write(job.auditDir().resolve(SampleTable.FILE), results);
      }
      int cpus = context.getConf().getInt("spark.task.cpus", 1);
      return new AuditEngine.Run(results, new Provenance.Engine("spark", byExecutor.size(), cpus, context.master()));
    } finally {
      if (own) {
        context.stop();
      }
    }
  }

  /**
   * The failure of a job as lcnn reports it: a task that found its inputs changed since the
   * driver validated them is bad input (its own one-line message); anything else stays as thrown.
   */
  static RuntimeException jobFailure(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    String first = m.lines().findFirst().orElse(m);
    int at = first.indexOf(ShardTask.CHANGED);
    if (at >= 0) {
      String marker = IllegalStateException.class.getName() + ": ";
      int start = first.lastIndexOf(marker, at);
      return new InvalidInputException(start < 0 ? first : first.substring(start + marker.length()));
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException("the Spark job failed: " + first, e);
  }

  /** The driver's hybrid oracles (exact except some nodes) have no executor-side twin yet: refused before Spark starts. */
  private static void refuseHybrid(AuditEngine.Job job) {
    boolean exact = job.plan().hvpStep() == 0 && "exact".equals(job.gradientMode()) && "exact".equals(job.hvpMode());
    boolean fd = job.plan().hvpStep() > 0 && "finite-difference".equals(job.gradientMode())
        && "finite-difference".equals(job.hvpMode());
    if (!exact && !fd) {
      throw new InvalidInputException("--spark: " + job.model().path() + " needs " + job.gradientMode() + " gradients and "
          + job.hvpMode() + " Hessian-vector products, which run only in a local audit; audit it without --spark or"
          + " with --gradients finite-difference");
    }
  }

  private static SparkConf conf(String master, String modelName, String owner) {
    SparkConf conf = new SparkConf().setIfMissing("spark.master", master).setIfMissing("spark.app.name", "lcnn audit " + modelName)
        .setIfMissing("spark.ui.enabled", "false").set(OWNER, owner);
    if (!master.startsWith("local") && !conf.contains("spark.jars") && !conf.contains("spark.executor.extraClassPath")) {
      Path assembly = assemblyJar();
      if (assembly != null) {
        conf.set("spark.jars", assembly.toString());
      } else {
        conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
      }
    }
    return conf;
  }

  /**
   * The spark-submit jar beside this module's classes ({@code spark/target/lcnn-spark-all.jar}),
   * shipped to a standalone cluster's executors; null when this code runs from that jar (spark-submit
   * ships it) or it was not built.
   */
  static Path assemblyJar() {
    try {
      Path here = Path.of(SparkAudit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (here.getFileName().toString().endsWith("-all.jar")) {
        return null;
      }
      Path jar = here.getParent().resolve("lcnn-spark-all.jar");
      return Files.isRegularFile(jar) ? jar : null;
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /** One task per shard; a split's inputs are read by range when its file is an .npy whose rows equal the validated ones. */
  private static List<ShardTask> tasks(AuditEngine.Job job) {
    Map<String, NpyRows> rows = new HashMap<>();
    rows.put("test", ranged(job.data().testInputs(), first(job.shards(), "test")));
    rows.put("train", ranged(job.data().trainInputs(), first(job.shards(), "train")));
    List<ShardTask> out = new ArrayList<>();
    for (Shard s : job.shards()) {
      out.add(ShardTask.of(s, rows.get(s.split())));
    }
    return out;
  }

  private static Shard first(List<Shard> shards, String split) {
    return shards.stream().filter(s -> s.split().equals(split) && s.from() == 0).findFirst().orElse(null);
  }

  /** The rows of {@code name} when it is an .npy file whose first block reads back as the driver's. */
  private static NpyRows ranged(String name, Shard first) {
    if (name == null || first == null || !name.endsWith(".npy")) {
      return null;
    }
    Configuration conf = new Configuration();
    NpyRows rows = NpyRows.open(NpyRows.uriOf(name), conf);
    if (rows == null || rows.rowSize() != first.samples().inputs().sampleSize() || rows.shape()[0] < first.to()) {
      return null;
    }
    try {
      float[] read = rows.read(0, first.samples().size(), conf).data();
      return ShardTask.checksum(read) == ShardTask.checksum(first.samples().inputs().data()) ? rows : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
