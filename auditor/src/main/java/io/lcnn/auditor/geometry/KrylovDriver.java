package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Runs per-sample Krylov iterations with one batched HVP call per step for all active samples. */
final class KrylovDriver {
  /** One sample's iteration: the vector to multiply next, and what to do with H times it. */
  interface SampleIteration {
    /** The unit vector whose Hessian product is needed next. */
    double[] vector();

    /** Takes H·vector(); returns true when the sample is finished. */
    boolean accept(double[] hv);

    /** The estimate once finished (or so far). */
    EigenEstimate estimate();
  }

  private KrylovDriver() {}

  static List<EigenEstimate> run(HvpOracle hvp, FloatTensor x, int[] labels, List<? extends SampleIteration> states) {
    int d = x.sampleSize();
    List<Integer> active = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      active.add(i);
    }
    while (!active.isEmpty()) {
      int[] idx = active.stream().mapToInt(Integer::intValue).toArray();
      FloatTensor xs = x.select(idx);
      int[] ls = new int[idx.length];
      float[] v = new float[idx.length * d];
      for (int a = 0; a < idx.length; a++) {
        ls[a] = labels[idx[a]];
        double[] q = states.get(idx[a]).vector();
        for (int j = 0; j < d; j++) {
          v[a * d + j] = (float) q[j];
        }
      }
      float[] hv = hvp.hvp(xs, ls, new FloatTensor(xs.shape().clone(), v)).data();
      List<Integer> still = new ArrayList<>();
      for (int a = 0; a < idx.length; a++) {
        double[] row = new double[d];
        for (int j = 0; j < d; j++) {
          row[j] = hv[a * d + j];
        }
        if (!states.get(idx[a]).accept(row)) {
          still.add(idx[a]);
        }
      }
      active = still;
    }
    List<EigenEstimate> out = new ArrayList<>();
    for (SampleIteration s : states) {
      out.add(s.estimate());
    }
    return out;
  }

  /** A Gaussian random unit vector of dimension {@code d} ({@link RandomVectors#gaussianUnit}). */
  static double[] randomUnit(SplittableRandom rng, int d) {
    return RandomVectors.gaussianUnit(rng, d);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static void scale(double[] a, double c) {
    for (int i = 0; i < a.length; i++) {
      a[i] *= c;
    }
  }

  /** a ← a − c·b */
  static void subtract(double[] a, double c, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] -= c * b[i];
    }
  }
}
