package io.lcnn.auditor.data;

import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FashionMnist;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.IdxFile;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an audit split from an inputs file and a labels file, each either a NumPy .npy array
 * (float inputs [N, ...sample shape], integer labels [N]) or an IDX file (MNIST / Fashion-MNIST,
 * plain or gzip), told apart by their first bytes. Errors are one line naming the file.
 */
public final class DatasetFiles {
  /** The {@code --dataset} name of Fashion-MNIST. */
  public static final String FASHION_MNIST = "fashion-mnist";

  private DatasetFiles() {}

  /** The file formats this reader knows. */
  public enum Format {
    NPY,
    IDX
  }

  /** Reads inputs and labels as one split; {@code source} in the result is the inputs path. */
  public static LabeledData read(Path inputs, Path labels) {
    FloatTensor x = readInputs(inputs);
    int[] y = readLabels(labels);
    if (x.batchSize() != y.length) {
      throw new DatasetException(inputs + ": " + x.batchSize() + " inputs but " + labels + " has " + y.length + " labels");
    }
    return new LabeledData(x, y, inputs.toString());
  }

  /** Reads a float input array (.npy of a float dtype, or IDX images scaled to [0, 1]). */
  public static FloatTensor readInputs(Path file) {
    return switch (format(file)) {
      case NPY -> Npy.readFloats(file);
      case IDX -> IdxFile.readImages(file);
    };
  }

  /** Reads an integer label array (.npy of an integer dtype, one-dimensional, or IDX labels). */
  public static int[] readLabels(Path file) {
    return switch (format(file)) {
      case NPY -> Npy.readLabels(file);
      case IDX -> IdxFile.readLabels(file);
    };
  }

  /**
   * A split of Fashion-MNIST named by {@code spec}: {@code fashion-mnist} (Debian's folder) or
   * {@code fashion-mnist:DIR}.
   *
   * @param train the training split when true, else the test split
   */
  public static LabeledData fashionMnist(String spec, boolean train) {
    String dir = FashionMnist.DEBIAN_DIR;
    if (spec.startsWith(FASHION_MNIST + ":")) {
      dir = spec.substring(FASHION_MNIST.length() + 1);
    } else if (!spec.equals(FASHION_MNIST)) {
      throw new DatasetException("--dataset: unknown dataset '" + spec + "' (known: fashion-mnist or fashion-mnist:DIR)");
    }
    Path d = Path.of(dir);
    return train ? FashionMnist.train(d) : FashionMnist.test(d);
  }

  /** The format of a file from its first bytes (gzip is unpacked to look inside). */
  public static Format format(Path file) {
    if (Files.isDirectory(file)) {
      throw new DatasetException(file + ": is a folder, expected a .npy or IDX file");
    }
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file + ": no such file");
    }
    byte[] head = new byte[6];
    int n;
    boolean gzip = false;
    try (InputStream raw = Files.newInputStream(file)) {
      n = raw.readNBytes(head, 0, head.length);
      if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        gzip = true;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
          n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
          throw new DatasetException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
        }
      }
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M' && head[4] == 'P' && head[5] == 'Y') {
      if (gzip) {
        throw new DatasetException(file + ": a gzip-compressed .npy; decompress it first");
      }
      return Format.NPY;
    }
    if (n >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08) {
      return Format.IDX;
    }
    throw new DatasetException(file + ": neither a .npy array nor an IDX file");
  }
}
