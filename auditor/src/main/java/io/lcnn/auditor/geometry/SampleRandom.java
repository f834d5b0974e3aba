package io.lcnn.auditor.geometry;

import java.util.SplittableRandom;

/**
 * Random streams keyed by a seed and a sample's index in its split (and any further numbers),
 * so that every random draw of an audit belongs to one sample and the numbers do not depend on
 * how the samples were batched, sharded or spread over workers.
 */
public final class SampleRandom {
  private SampleRandom() {}

  /** A stream determined by {@code seed} and {@code keys} (e.g. sample index, direction, restart). */
  public static SplittableRandom of(long seed, long... keys) {
    long h = mix(seed);
    for (long k : keys) {
      h = mix(h * 0x9E3779B97F4A7C15L + k);
    }
    return new SplittableRandom(h);
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
