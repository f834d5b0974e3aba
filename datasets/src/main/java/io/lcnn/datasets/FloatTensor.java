package io.lcnn.datasets;

import java.util.Arrays;

/**
 * A dense row-major float32 tensor: {@code data.length == product(shape)}. The first axis is the
 * batch axis wherever a tensor holds samples. Instances are not copied on construction; treat
 * the array as owned by the tensor.
 */
public record FloatTensor(long[] shape, float[] data) {

  /** Checks that the data length matches the shape. */
  public FloatTensor {
    if (numel(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + numel(shape) + " values, got " + data.length);
    }
  }

  /** A zero tensor of the given shape. */
  public static FloatTensor zeros(long... shape) {
    return new FloatTensor(shape.clone(), new float[Math.toIntExact(numel(shape))]);
  }

  /** Number of elements of a shape. */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Size of the first (batch) axis. */
  public int batchSize() {
    return Math.toIntExact(shape[0]);
  }

  /** Number of values in one sample (product of all axes but the first). */
  public int sampleSize() {
    return Math.toIntExact(numel(Arrays.copyOfRange(shape, 1, shape.length)));
  }

  /** The shape of one sample (all axes but the first). */
  public long[] sampleShape() {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** Samples {@code [from, to)} along the batch axis, copied. */
  public FloatTensor slice(int from, int to) {
    int s = sampleSize();
    long[] sh = shape.clone();
    sh[0] = to - from;
    return new FloatTensor(sh, Arrays.copyOfRange(data, from * s, to * s));
  }

  /** Samples at the given batch indices, copied, in that order. */
  public FloatTensor select(int[] indices) {
    int s = sampleSize();
    float[] out = new float[indices.length * s];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(data, indices[i] * s, out, i * s, s);
    }
    long[] sh = shape.clone();
    sh[0] = indices.length;
    return new FloatTensor(sh, out);
  }

  /** A copy with its own data array. */
  public FloatTensor copy() {
    return new FloatTensor(shape.clone(), data.clone());
  }

  /** Same data viewed with another shape of equal size. */
  public FloatTensor reshape(long... newShape) {
    return new FloatTensor(newShape, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
