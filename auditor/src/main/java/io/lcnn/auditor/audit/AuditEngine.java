package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.Provenance;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.IntConsumer;

/**
 * A place other than this JVM's worker threads where an audit's shards run, such as an Apache
 * Spark cluster. Engines live in optional modules (the {@code spark} module) and are found with
 * {@link ServiceLoader} ({@code META-INF/services/io.lcnn.auditor.audit.AuditEngine}), so a
 * plain audit never loads them. {@link AuditRunner} hands an engine the job only after every
 * input check passed, the oracles were chosen and the shards cut; it merges what the engine
 * returns exactly as it merges its own workers' results.
 */
public interface AuditEngine {
  /** The option whose value selects this engine and says where it runs (e.g. {@link AuditOptions#SPARK}). */
  AuditOption<String> option();

  /**
   * Runs every shard of {@code job} with {@link ShardFunction} semantics (the same per-sample
   * results as {@link AuditShard#run} on this JVM's oracles).
   *
   * @param progress told the number of samples done
   * @throws io.lcnn.errors.BadInputException when the job cannot run on this engine (one line)
   */
  Run run(Job job, IntConsumer progress);

  /**
   * A validated audit, cut into shards.
   *
   * @param model the model as the audit runs it (after output selection, preprocessing and batch relaxing)
   * @param data the audited data with the names of the files it came from
   * @param plan what every shard shares
   * @param shards the units of work, block-aligned, test first
   * @param gradientMode the gradient oracle's mode chosen on the driver ({@code exact}, {@code finite-difference}, …)
   * @param hvpMode the HVP oracle's mode chosen on the driver
   * @param auditDir folder audit.json will be written to (inside the all-or-nothing staging), or null
   */
  record Job(
      OnnxModelFile model,
      AuditData data,
      AuditPlan plan,
      List<Shard> shards,
      String gradientMode,
      String hvpMode,
      Path auditDir) {}

  /**
   * What an engine returns.
   *
   * @param results one result per shard, any order
   * @param engine what audit.json's {@code provenance.engine} records
   */
  record Run(List<ShardResult> results, Provenance.Engine engine) {}

  /**
   * The engine {@code options} ask for, or null for this JVM's workers.
   *
   * @throws InvalidInputException one line saying how to get the engine when its module is not on the class path
   */
  static AuditEngine forOptions(AuditOptions options) {
    String master = options.get(AuditOptions.SPARK);
    if (master == null) {
      return null;
    }
    for (AuditEngine e : ServiceLoader.load(AuditEngine.class, AuditEngine.class.getClassLoader())) {
      if (e.option().key().equals(AuditOptions.SPARK.key())) {
        return e;
      }
    }
    throw new InvalidInputException("--spark " + master + ": the Spark module is not on the class path; run ./lcnn"
        + " (it builds the module and adds it when --spark is given) or add spark/target/lcnn-spark.jar and the jars"
        + " listed in spark/target/classpath.txt to the class path");
  }
}
