package io.lcnn.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed. Image files
 * (unsigned bytes, rank 3) become float32 tensors [N, 1, rows, cols] scaled to [0, 1]; label
 * files (rank 1) become int arrays.
 */
public final class IdxFile {
  private IdxFile() {}

  /** Reads an image file as [N, 1, rows, cols] in [0, 1]. */
  public static FloatTensor readImages(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new DatasetException(file + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      byte[] raw = readBytes(file, in, "count " + n + " x rows " + rows + " x cols " + cols, n, rows, cols);
      float[] f = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        f[i] = Byte.toUnsignedInt(raw[i]) / 255f;
      }
      return new FloatTensor(new long[] {n, 1, rows, cols}, f);
    } catch (EOFException e) {
      throw new DatasetException(file + ": truncated IDX file", e);
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read IDX file (" + e.getMessage() + ")", e);
    }
  }

  /** Reads a label file. */
  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000801) {
        throw new DatasetException(file + ": not an IDX label file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int n = in.readInt();
      byte[] raw = readBytes(file, in, "count " + n, n);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = Byte.toUnsignedInt(raw[i]);
      }
      return out;
    } catch (EOFException e) {
      throw new DatasetException(file + ": truncated IDX file", e);
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read IDX file (" + e.getMessage() + ")", e);
    }
  }

  /** Reads an image file and its label file as one dataset. */
  public static LabeledData read(Path images, Path labels) {
    return new LabeledData(readImages(images), readLabels(labels), images.toString());
  }

  /**
   * Reads the bytes the header's sizes declare, refusing negative sizes and products that do not
   * fit an array before allocating, and allocating only as the data actually arrives.
   */
  private static byte[] readBytes(Path file, DataInputStream in, String declared, int... sizes) throws IOException {
    long count = 1;
    for (int d : sizes) {
      if (d < 0) {
        throw new DatasetException(file + ": IDX header " + declared + " has a negative size");
      }
      count *= d;
      if (count > Integer.MAX_VALUE - 8) {
        throw new DatasetException(file + ": IDX header " + declared + " declares more than 2^31 bytes");
      }
    }
    byte[] raw = in.readNBytes((int) count);
    if (raw.length < count) {
      throw new DatasetException(file + ": truncated IDX file (header " + declared + " declares " + count + " bytes, found "
          + raw.length + ")");
    }
    return raw;
  }

  private static DataInputStream open(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new DatasetException(file + ": is a folder, expected an IDX file");
    }
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file + ": no such file");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file));
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }
}
