package io.lcnn.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 and CIFAR-100 in their binary format (the "binary version" archives). Each record
 * is the label byte(s) followed by 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row-major
 * 32×32). CIFAR-10 records have one label byte; CIFAR-100 records have a coarse then a fine label
 * byte, and the fine label (100 classes) is used. Images become [N, 3, 32, 32] in [0, 1].
 *
 * <p>Files looked for in the folder (or its {@code cifar-10-batches-bin} / {@code cifar-100-binary}
 * sub-folder): CIFAR-10 {@code data_batch_1.bin … data_batch_5.bin}, {@code test_batch.bin},
 * {@code batches.meta.txt}; CIFAR-100 {@code train.bin}, {@code test.bin},
 * {@code fine_label_names.txt}.
 */
public final class CifarBinary {
  private static final int PIXELS = 3 * 32 * 32;

  /** Which of the two datasets. */
  public enum Variant {
    /** Ten classes, one label byte per record. */
    CIFAR10(1, 10, "cifar-10-batches-bin", "batches.meta.txt"),
    /** A hundred fine classes, coarse and fine label bytes per record. */
    CIFAR100(2, 100, "cifar-100-binary", "fine_label_names.txt");

    private final int labelBytes;
    private final int classes;
    private final String subfolder;
    private final String namesFile;

    Variant(int labelBytes, int classes, String subfolder, String namesFile) {
      this.labelBytes = labelBytes;
      this.classes = classes;
      this.subfolder = subfolder;
      this.namesFile = namesFile;
    }

    /** Number of classes. */
    public int classes() {
      return classes;
    }
  }

  private CifarBinary() {}

  /** The training split: all five CIFAR-10 data batches, or CIFAR-100's train.bin. */
  public static LabeledData train(Path dir, Variant variant) {
    Path d = resolve(dir, variant);
    List<Path> files = new ArrayList<>();
    if (variant == Variant.CIFAR10) {
      for (int i = 1; i <= 5; i++) {
        files.add(d.resolve("data_batch_" + i + ".bin"));
      }
    } else {
      files.add(d.resolve("train.bin"));
    }
    return read(files, variant);
  }

  /** The test split: test_batch.bin (CIFAR-10) or test.bin (CIFAR-100). */
  public static LabeledData test(Path dir, Variant variant) {
    Path d = resolve(dir, variant);
    return read(List.of(d.resolve(variant == Variant.CIFAR10 ? "test_batch.bin" : "test.bin")), variant);
  }

  /** Class names from the metadata file, or "class 0", "class 1", … when it is absent. */
  public static String[] classNames(Path dir, Variant variant) {
    Path f = resolve(dir, variant).resolve(variant.namesFile);
    String[] names = new String[variant.classes];
    List<String> lines = List.of();
    if (Files.isRegularFile(f)) {
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8).stream().map(String::trim)
            .filter(s -> !s.isEmpty()).toList();
      } catch (IOException e) {
        throw new DatasetException(f + ": cannot read class names (" + e.getMessage() + ")", e);
      }
    }
    for (int i = 0; i < names.length; i++) {
      names[i] = i < lines.size() ? lines.get(i) : "class " + i;
    }
    return names;
  }

  /** Reads and concatenates record files. */
  public static LabeledData read(List<Path> files, Variant variant) {
    int record = variant.labelBytes + PIXELS;
    List<byte[]> contents = new ArrayList<>();
    int total = 0;
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetException(f + ": no such file (expected the CIFAR binary version)");
      }
      byte[] b;
      try {
        b = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new DatasetException(f + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (b.length == 0 || b.length % record != 0) {
        throw new DatasetException(f + ": " + b.length + " bytes is not a whole number of "
            + record + "-byte " + variant.name() + " records");
      }
      contents.add(b);
      total += b.length / record;
    }
    float[] pixels = new float[Math.multiplyExact(total, PIXELS)];
    int[] labels = new int[total];
    int n = 0;
    for (int fi = 0; fi < contents.size(); fi++) {
      byte[] b = contents.get(fi);
      for (int off = 0; off < b.length; off += record, n++) {
        int label = Byte.toUnsignedInt(b[off + variant.labelBytes - 1]);
        if (label >= variant.classes) {
          throw new DatasetException(files.get(fi) + ": record " + (off / record) + " has label " + label
              + ", but " + variant.name() + " has " + variant.classes + " classes");
        }
        labels[n] = label;
        int base = off + variant.labelBytes;
        for (int i = 0; i < PIXELS; i++) {
          pixels[n * PIXELS + i] = Byte.toUnsignedInt(b[base + i]) / 255f;
        }
      }
    }
    return new LabeledData(new FloatTensor(new long[] {total, 3, 32, 32}, pixels), labels,
        files.size() == 1 ? files.get(0).toString() : files.get(0).getParent().toString());
  }

  private static Path resolve(Path dir, Variant variant) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir + ": no such folder (expected " + variant.name() + " binary files)");
    }
    Path sub = dir.resolve(variant.subfolder);
    return Files.isDirectory(sub) ? sub : dir;
  }
}
