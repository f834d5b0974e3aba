package io.lcnn.auditor.attack;

import java.util.SplittableRandom;

/** Reproducible random streams derived from a seed and the call's distinguishing numbers. */
final class Rng {
  private Rng() {}

  static SplittableRandom of(long seed, double eps, long stream, long restart) {
    long h = seed;
    h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(eps);
    h = h * 0x9E3779B97F4A7C15L + stream;
    h = h * 0x9E3779B97F4A7C15L + restart;
    return new SplittableRandom(h);
  }
}
