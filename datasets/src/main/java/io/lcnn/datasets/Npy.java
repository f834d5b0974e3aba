package io.lcnn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy .npy files (format versions 1–3, C order, little- or big-endian numeric
 * dtypes). Writes go to a temporary file that is moved into place, so a failed write leaves
 * nothing half-written.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads any numeric .npy file. */
  public static NpyArray read(Path file) {
    if (Files.isDirectory(file)) {
      throw new DatasetException(file + ": is a folder, expected a .npy file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(file.toString(), bytes);
  }

  /** Reads an .npy file from a stream; {@code name} is used in error messages. */
  public static NpyArray read(String name, InputStream in) throws IOException {
    return parse(name, in.readAllBytes());
  }

  /** Reads a floating .npy file as a float32 tensor; integer arrays are refused. */
  public static FloatTensor readFloats(Path file) {
    NpyArray a = read(file);
    if (!a.isFloating()) {
      throw new DatasetException(file + ": expected a float array, found dtype " + a.dtype());
    }
    return a.toFloatTensor();
  }

  /** Reads a one-dimensional integer .npy file (labels). */
  public static int[] readLabels(Path file) {
    NpyArray a = read(file);
    if (!a.isInteger()) {
      throw new DatasetException(file + ": labels must be an integer array, found dtype " + a.dtype());
    }
    if (a.shape().length != 1) {
      throw new DatasetException(
          file + ": labels must be one-dimensional, found shape " + java.util.Arrays.toString(a.shape()));
    }
    double[] v = a.values();
    for (int i = 0; i < v.length; i++) {
      if (v[i] < 0 || v[i] > Integer.MAX_VALUE) {
        throw new DatasetException(file + ": label [" + i + "] is " + (long) v[i] + ", not a class index");
      }
    }
    return a.toIntArray();
  }

  private static NpyArray parse(String name, byte[] b) {
    if (b.length < 10) {
      throw new DatasetException(name + ": not a .npy file (too short)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        throw new DatasetException(name + ": not a .npy file (bad magic)");
      }
    }
    int major = b[6];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      offset = 10;
    } else if (major == 2 || major == 3) {
      headerLen = bb.getInt(8);
      offset = 12;
    } else {
      throw new DatasetException(name + ": unsupported .npy version " + major);
    }
    if (headerLen < 0 || headerLen > b.length - offset) {
      throw new DatasetException(name + ": header length " + Integer.toUnsignedLong(headerLen) + " is past the end of the file ("
          + b.length + " bytes)");
    }
    String header = new String(b, offset, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new DatasetException(name + ": malformed .npy header: " + header.trim());
    }
    if (f.group(1).equals("True")) {
      throw new DatasetException(name + ": Fortran-ordered arrays are not supported; save with C order");
    }
    String descr = d.group(1);
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        long dim;
        try {
          dim = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
          throw new DatasetException(name + ": header field 'shape' holds '" + part.trim() + "', not an integer");
        }
        if (dim < 0) {
          throw new DatasetException(name + ": header field 'shape' has a negative dimension " + dim);
        }
        dims.add(dim);
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    if (descr.length() < 3 || !descr.substring(2).matches("[1-8]")) {
      throw new DatasetException(name + ": unsupported dtype '" + descr + "'");
    }
    char order = descr.charAt(0);
    char kind = descr.charAt(1);
    int width = Integer.parseInt(descr.substring(2));
    long n;
    long bytes;
    try {
      n = 1;
      for (long dim : shape) {
        n = Math.multiplyExact(n, dim);
      }
      bytes = Math.multiplyExact(n, width);
    } catch (ArithmeticException e) {
      throw new DatasetException(name + ": header field 'shape' " + dims + " declares more values than a long can count");
    }
    ByteBuffer data = ByteBuffer.wrap(b, offset + headerLen, b.length - offset - headerLen).slice();
    data.order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    if ((long) data.remaining() < bytes) {
      throw new DatasetException(
          name + ": truncated data (" + data.remaining() + " bytes for " + n + " values of dtype " + descr + ")");
    }
    double[] v = new double[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (kind + "" + width) {
        case "f4" -> data.getFloat();
        case "f8" -> data.getDouble();
        case "i1" -> data.get();
        case "u1", "b1" -> Byte.toUnsignedInt(data.get());
        case "i2" -> data.getShort();
        case "u2" -> Short.toUnsignedInt(data.getShort());
        case "i4" -> data.getInt();
        case "u4" -> Integer.toUnsignedLong(data.getInt());
        case "i8", "u8" -> data.getLong();
        default -> throw new DatasetException(name + ": unsupported dtype '" + descr + "'");
      };
    }
    String normalized = (width == 1 ? "|" : "<") + kind + width;
    return new NpyArray(normalized, shape, v);
  }

  /** Writes a float32 tensor as {@code <f4}. */
  public static void write(Path file, FloatTensor t) {
    ByteBuffer buf = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : t.data()) {
      buf.putFloat(x);
    }
    writeRaw(file, "<f4", t.shape(), buf.array());
  }

  /** Writes integer labels as a one-dimensional {@code <i8} array. */
  public static void writeLabels(Path file, int[] labels) {
    ByteBuffer buf = ByteBuffer.allocate(labels.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : labels) {
      buf.putLong(x);
    }
    writeRaw(file, "<i8", new long[] {labels.length}, buf.array());
  }

  /** Writes raw little-endian bytes with the given dtype and shape, atomically. */
  public static void writeRaw(Path file, String dtype, long[] shape, byte[] payload) {
    StringBuilder sh = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sh.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
    }
    sh.append(")");
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + sh + ", }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer out = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(payload);
    AtomicFiles.write(file, out.array());
  }
}
