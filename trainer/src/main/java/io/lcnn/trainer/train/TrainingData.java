package io.lcnn.trainer.train;

import io.lcnn.datasets.CifarBinary;
import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FashionMnist;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A training and a test split with class names, named by a dataset spec:
 * {@code fashion-mnist} (Debian's IDX files), {@code fashion-mnist:DIR}, {@code cifar10:DIR},
 * {@code cifar100:DIR} (binary version), or {@code npy:X,Y[,XTEST,YTEST]} (float inputs
 * [N, C, H, W] in [0, 1] and integer labels; without test files the last 10% are held out).
 */
public record TrainingData(String spec, LabeledData train, LabeledData test, String[] classNames) {

  /** Loads the splits named by {@code spec}; throws {@link DatasetException} with a one-line message. */
  public static TrainingData load(String spec) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? null : spec.substring(colon + 1);
    switch (kind) {
      case "fashion-mnist": {
        Path dir = Path.of(arg == null ? FashionMnist.DEBIAN_DIR : arg);
        return new TrainingData(spec, FashionMnist.train(dir), FashionMnist.test(dir), FashionMnist.CLASS_NAMES.clone());
      }
      case "cifar10":
      case "cifar100": {
        if (arg == null) {
          throw new DatasetException(kind + ": name the folder of the binary files, e.g. " + kind + ":DIR");
        }
        CifarBinary.Variant v = kind.equals("cifar10") ? CifarBinary.Variant.CIFAR10 : CifarBinary.Variant.CIFAR100;
        Path dir = Path.of(arg);
        return new TrainingData(spec, CifarBinary.train(dir, v), CifarBinary.test(dir, v), CifarBinary.classNames(dir, v));
      }
      case "npy":
        return npy(spec, arg);
      default:
        throw new DatasetException("unknown dataset '" + spec
            + "' (fashion-mnist[:DIR], cifar10:DIR, cifar100:DIR or npy:X,Y[,XTEST,YTEST])");
    }
  }

  private static TrainingData npy(String spec, String arg) {
    String[] parts = arg == null ? new String[0] : arg.split(",");
    if (parts.length != 2 && parts.length != 4) {
      throw new DatasetException(spec + ": expected npy:X.npy,Y.npy or npy:X.npy,Y.npy,XTEST.npy,YTEST.npy");
    }
    LabeledData all = read(parts[0], parts[1]);
    LabeledData train;
    LabeledData test;
    if (parts.length == 4) {
      train = all;
      test = read(parts[2], parts[3]);
    } else {
      int n = all.size();
      int cut = Math.max(1, n - Math.max(1, n / 10));
      train = new LabeledData(all.inputs().slice(0, cut), Arrays.copyOfRange(all.labels(), 0, cut), all.source());
      test = new LabeledData(all.inputs().slice(cut, n), Arrays.copyOfRange(all.labels(), cut, n), all.source());
    }
    int classes = Math.max(Arrays.stream(train.labels()).max().orElse(0), Arrays.stream(test.labels()).max().orElse(0)) + 1;
    String[] names = new String[classes];
    for (int i = 0; i < classes; i++) {
      names[i] = "class " + i;
    }
    return new TrainingData(spec, train, test, names);
  }

  private static LabeledData read(String x, String y) {
    FloatTensor inputs = Npy.readFloats(Path.of(x));
    if (inputs.shape().length != 4) {
      throw new DatasetException(x + ": inputs must be [N, C, H, W], found shape " + Arrays.toString(inputs.shape()));
    }
    float[] v = inputs.data();
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        long per = v.length / Math.max(1, inputs.shape()[0]);
        throw new DatasetException(x + ": input value " + v[i] + " in sample " + (i / per) + " (element " + i
            + "); training inputs must be finite");
      }
    }
    int[] labels = Npy.readLabels(Path.of(y));
    for (int l : labels) {
      if (l < 0) {
        throw new DatasetException(y + ": negative label " + l);
      }
    }
    return new LabeledData(inputs, labels, x);
  }

  /** Samples' shape [C, H, W]. */
  public long[] sampleShape() {
    return train.inputs().sampleShape();
  }
}
