package io.lcnn.spark;

import io.lcnn.datasets.FloatTensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Reads a range of rows (samples along the first axis) of a floating-point {@code .npy} file
 * through Hadoop's {@link FileSystem}, so a Spark task reads only its own slice of a local file
 * ({@code file:}) or of any Hadoop-supported store ({@code hdfs:}, {@code s3a:}, …): the header,
 * then one positioned read of {@code count × rowBytes} bytes. Little- and big-endian float32
 * ({@code f4}) and float64 ({@code f8}, narrowed to float32 as {@link io.lcnn.datasets.Npy}
 * does) in C order.
 *
 * @param uri the file
 * @param dataOffset byte offset of the first row
 * @param shape the array's shape, rows first
 * @param width bytes per value, 4 or 8
 * @param bigEndian whether the values are big-endian
 */
public record NpyRows(String uri, long dataOffset, long[] shape, int width, boolean bigEndian) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>=|])f([48])'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*False");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** The URI tasks read {@code name} by: itself when it has a scheme, else the absolute local file. */
  public static String uriOf(String name) {
    try {
      URI u = new URI(name);
      if (u.getScheme() != null && u.getScheme().length() > 1) {
        return name;
      }
    } catch (java.net.URISyntaxException e) {
      // not a URI: a local path
    }
    return Path.of(name).toAbsolutePath().toUri().toString();
  }

  /**
   * The row layout of {@code uri}, or null when it is not a C-order floating {@code .npy} file
   * (its rows are then shipped with the tasks instead).
   */
  public static NpyRows open(String uri, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(uri));
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.isFile(p)) {
        return null;
      }
      try (FSDataInputStream in = fs.open(p)) {
        byte[] head = new byte[12];
        in.readFully(0, head, 0, 10);
        if ((head[0] & 0xff) != 0x93 || head[1] != 'N' || head[2] != 'U' || head[3] != 'M' || head[4] != 'P' || head[5] != 'Y') {
          return null;
        }
        int major = head[6];
        int headerLen;
        int offset;
        if (major == 1) {
          headerLen = Short.toUnsignedInt(ByteBuffer.wrap(head, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
          offset = 10;
        } else {
          in.readFully(0, head, 0, 12);
          headerLen = ByteBuffer.wrap(head, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          offset = 12;
        }
        byte[] header = new byte[headerLen];
        in.readFully(offset, header, 0, headerLen);
        String h = new String(header, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find() || !FORTRAN.matcher(h).find() || !s.find()) {
          return null;
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
          if (!part.isBlank()) {
            dims.add(Long.parseLong(part.trim()));
          }
        }
        if (dims.isEmpty()) {
          return null;
        }
        return new NpyRows(uri, offset + headerLen, dims.stream().mapToLong(Long::longValue).toArray(),
            Integer.parseInt(d.group(2)), d.group(1).equals(">"));
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Values per row. */
  public long rowSize() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Rows [from, from + count) as a float32 tensor [count, ...]. */
  public FloatTensor read(int from, int count, Configuration conf) {
    if (from < 0 || from + (long) count > shape[0]) {
      throw new IllegalArgumentException(uri + ": rows [" + from + ", " + (from + count) + ") are outside its " + shape[0]);
    }
    int values = Math.toIntExact(count * rowSize());
    byte[] raw = new byte[Math.multiplyExact(values, width)];
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(uri));
    try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
      in.readFully(dataOffset + (long) from * rowSize() * width, raw, 0, raw.length);
    } catch (IOException e) {
      throw new UncheckedIOException(uri + ": cannot read rows [" + from + ", " + (from + count) + "): " + e.getMessage(), e);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[values];
    for (int i = 0; i < values; i++) {
      out[i] = width == 4 ? b.getFloat() : (float) b.getDouble();
    }
    long[] s = shape.clone();
    s[0] = count;
    return new FloatTensor(s, out);
  }
}
