package io.lcnn.spark;

import io.lcnn.auditor.audit.AuditEngine;
import io.lcnn.auditor.audit.AuditOption;
import io.lcnn.auditor.audit.AuditOptions;
import java.util.function.IntConsumer;

/** The {@link AuditEngine} behind {@code --spark MASTER}: runs the shards as a Spark job ({@link SparkAudit}). */
public final class SparkAuditEngine implements AuditEngine {
  @Override
  public AuditOption<String> option() {
    return AuditOptions.SPARK;
  }

  @Override
  public Run run(Job job, IntConsumer progress) {
    return SparkAudit.run(job, progress);
  }
}
