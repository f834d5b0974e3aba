package io.lcnn.spark;

import java.io.Serializable;

/**
 * What a Spark task returns for one shard.
 *
 * @param executor the id of the executor that computed it
 * @param result the {@link io.lcnn.auditor.audit.ShardResult} as {@link RecordCodec} bytes
 */
public record TaskOutput(String executor, byte[] result) implements Serializable {
  private static final long serialVersionUID = 1L;
}
