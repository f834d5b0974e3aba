package io.lcnn.auditor.geometry;

import java.util.SplittableRandom;

/** Seeded random start vectors of the iterative solvers. */
public final class RandomVectors {
  private RandomVectors() {}

  /** A Gaussian random unit vector of dimension {@code d} (Box–Muller from two uniforms per entry). */
  public static double[] gaussianUnit(SplittableRandom rng, int d) {
    double[] v = new double[d];
    double n2 = 0;
    for (int j = 0; j < d; j++) {
      double u1 = 1.0 - rng.nextDouble();
      double u2 = rng.nextDouble();
      v[j] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      n2 += v[j] * v[j];
    }
    double inverse = 1 / Math.sqrt(n2);
    for (int j = 0; j < d; j++) {
      v[j] *= inverse;
    }
    return v;
  }
}
