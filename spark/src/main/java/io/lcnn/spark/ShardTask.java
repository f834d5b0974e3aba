package io.lcnn.spark;

import io.lcnn.auditor.audit.Shard;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;

/**
 * What a Spark task gets for one {@link Shard}: the split, the first sample's index, the labels,
 * and either where to read the inputs (rows of a {@code .npy} file, read by range on the
 * executor) or the inputs themselves; plus the CRC-32C of the float32 inputs the driver validated,
 * so a task whose file changed since then fails instead of auditing other data.
 *
 * @param split {@code "test"} or {@code "train"}
 * @param from index of the first sample in its split
 * @param labels the samples' labels
 * @param rows the inputs' file, read by range on the executor; null when the inputs are shipped
 * @param inputs the inputs [n, ...] flattened when shipped; null when read by range
 * @param shape the inputs' shape [n, ...]
 * @param checksum CRC-32C of the inputs' float32 values (little-endian bytes)
 * @param noise the samples' stability directions ({@link RecordCodec} bytes), or null
 * @param probe the samples' H·v probe directions ({@link RecordCodec} bytes), or null
 * @param source the inputs' name, for messages
 */
public record ShardTask(
    String split,
    int from,
    int[] labels,
    NpyRows rows,
    float[] inputs,
    long[] shape,
    long checksum,
    byte[] noise,
    byte[] probe,
    String source) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The words of the failure of a task whose inputs changed since the driver validated them. */
  static final String CHANGED = "differ from those the driver validated";

  /** The task of {@code shard}; its inputs are read by range from {@code rows} when that file holds them. */
  public static ShardTask of(Shard shard, NpyRows rows) {
    FloatTensor x = shard.samples().inputs();
    boolean ranged = rows != null && shard.to() <= rows.shape()[0] && rows.rowSize() == x.sampleSize();
    return new ShardTask(shard.split(), shard.from(), shard.samples().labels(), ranged ? rows : null,
        ranged ? null : x.data(), x.shape(), checksum(x.data()), bytes(shard.noise()), bytes(shard.probe()),
        shard.samples().source());
  }

  /**
   * The shard, its inputs read on this executor.
   *
   * @throws IllegalStateException when the inputs read differ from those the driver validated
   */
  public Shard shard(Configuration conf) {
    FloatTensor x = rows == null ? new FloatTensor(shape, inputs) : reshaped(rows.read(from, labels.length, conf));
    if (checksum(x.data()) != checksum) {
      throw new IllegalStateException(source + ": samples [" + from + ", " + (from + labels.length) + ") of the "
          + split + " split read on this executor " + CHANGED + " (was the file changed during the job?)");
    }
    return new Shard(split, from, new LabeledData(x, labels, source), tensor(noise), tensor(probe));
  }

  private FloatTensor reshaped(FloatTensor read) {
    return new FloatTensor(shape.clone(), read.data());
  }

  /** CRC-32C of float32 values as little-endian bytes. */
  static long checksum(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    CRC32C crc = new CRC32C();
    crc.update(b.array());
    return crc.getValue();
  }

  private static byte[] bytes(FloatTensor t) {
    return t == null ? null : RecordCodec.encode(t);
  }

  private static FloatTensor tensor(byte[] b) {
    return b == null ? null : RecordCodec.decode(b, FloatTensor.class);
  }
}
