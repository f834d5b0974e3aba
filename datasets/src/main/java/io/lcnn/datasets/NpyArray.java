package io.lcnn.datasets;

/**
 * An array read from a NumPy .npy file: its dtype descriptor (e.g. {@code <f4}, {@code <i8}),
 * shape, and values widened to double in row-major (C) order.
 */
public record NpyArray(String dtype, long[] shape, double[] values) {

  /** True for float16/32/64 dtypes. */
  public boolean isFloating() {
    return dtype.charAt(1) == 'f';
  }

  /** True for signed or unsigned integer dtypes (and bool). */
  public boolean isInteger() {
    char k = dtype.charAt(1);
    return k == 'i' || k == 'u' || k == 'b';
  }

  /** The values as a float32 tensor of this shape. */
  public FloatTensor toFloatTensor() {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return new FloatTensor(shape.clone(), f);
  }

  /** The values as ints (for label arrays). */
  public int[] toIntArray() {
    int[] out = new int[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) values[i];
    }
    return out;
  }
}
