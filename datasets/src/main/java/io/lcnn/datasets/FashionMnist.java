package io.lcnn.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates and loads Fashion-MNIST from a folder of IDX files (by default Debian's
 * {@code dataset-fashion-mnist} package at {@value #DEBIAN_DIR}). Images are [N,1,28,28] in [0,1].
 */
public final class FashionMnist {
  /** Where Debian's package installs the files. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  /** The ten class names, in label order. */
  public static final String[] CLASS_NAMES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private FashionMnist() {}

  /** The training split (60,000 samples) from {@code dir}. */
  public static LabeledData train(Path dir) {
    return split(dir, "train");
  }

  /** The test split (10,000 samples) from {@code dir}. */
  public static LabeledData test(Path dir) {
    return split(dir, "t10k");
  }

  /** The default folder, if it holds the files. */
  public static boolean available(Path dir) {
    return Files.exists(find(dir, "t10k-images-idx3-ubyte"));
  }

  private static LabeledData split(Path dir, String prefix) {
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    if (!Files.exists(images)) {
      throw new DatasetException(images + ": Fashion-MNIST not found (install Debian's dataset-fashion-mnist or name a folder)");
    }
    return IdxFile.read(images, labels);
  }

  private static Path find(Path dir, String stem) {
    Path gz = dir.resolve(stem + ".gz");
    return Files.exists(gz) ? gz : dir.resolve(stem);
  }
}
