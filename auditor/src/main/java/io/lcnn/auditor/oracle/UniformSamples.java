package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;
import java.util.Random;

/**
 * Seeded uniform [0, 1) samples of a model's sample shape, the probe inputs used to learn or check
 * facts about a graph (shapes, whether two graphs compute the same function, a node's Jacobian).
 */
public final class UniformSamples {
  private UniformSamples() {}

  /** {@code batch} samples [batch, ...sample] from a seeded generator. */
  public static FloatTensor of(int batch, long[] sample, long seed) {
    long[] shape = new long[sample.length + 1];
    shape[0] = batch;
    System.arraycopy(sample, 0, shape, 1, sample.length);
    float[] v = new float[Math.toIntExact(FloatTensor.numel(shape))];
    Random r = new Random(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return new FloatTensor(shape, v);
  }
}
