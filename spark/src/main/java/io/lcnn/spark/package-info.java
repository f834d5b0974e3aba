/**
 * lcnn audits as Apache Spark jobs: {@link io.lcnn.spark.SparkAuditEngine} (found by
 * {@code --spark MASTER} through {@link java.util.ServiceLoader}) runs an audit's shards in
 * {@code mapPartitions} tasks on the broadcast model ({@link io.lcnn.spark.SparkAudit}); the
 * per-sample results travel back as {@link io.lcnn.spark.RecordCodec} bytes, are merged on the
 * driver exactly like a local audit's, and are also written as Parquet
 * ({@link io.lcnn.spark.SampleTable}). {@link io.lcnn.spark.SparkSubmitMain} is the entry point
 * of the spark-submit jar.
 */
package io.lcnn.spark;
