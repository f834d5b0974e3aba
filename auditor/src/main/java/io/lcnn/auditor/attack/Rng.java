package io.lcnn.auditor.attack;

import io.lcnn.auditor.geometry.SampleRandom;
import java.util.SplittableRandom;

/** Reproducible random streams derived from a seed and the call's distinguishing numbers. */
final class Rng {
  private Rng() {}

  /** The stream of one sample ({@code stream}: its index in the split) at one ε and restart. */
  static SplittableRandom of(long seed, double eps, long stream, long restart) {
    return SampleRandom.of(seed, Double.doubleToLongBits(eps), stream, restart);
  }
}
