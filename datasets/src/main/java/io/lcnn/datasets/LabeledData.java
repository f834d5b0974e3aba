package io.lcnn.datasets;

/**
 * Samples with integer class labels: {@code inputs} is [N, ...sample shape] float32,
 * {@code labels} has N entries, {@code source} says where the data came from (for records and
 * error messages).
 */
public record LabeledData(FloatTensor inputs, int[] labels, String source) {

  /** Checks that there is one label per sample. */
  public LabeledData {
    if (inputs.batchSize() != labels.length) {
      throw new DatasetException(
          source + ": " + inputs.batchSize() + " inputs but " + labels.length + " labels");
    }
  }

  /** Number of samples. */
  public int size() {
    return labels.length;
  }

  /** The first {@code n} samples (or all, if fewer). */
  public LabeledData head(int n) {
    int m = Math.min(n, size());
    return new LabeledData(inputs.slice(0, m), java.util.Arrays.copyOf(labels, m), source);
  }
}
