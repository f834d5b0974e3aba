package io.lcnn.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;

/**
 * Start-up self-check for libtorch's multi-threaded float32 backward bug (wrong gradients with
 * several OpenMP threads on AVX-512 CPUs): two identical backward passes through a small conv net
 * must give the same parameter gradients.
 */
public final class ThreadSafetyCheck {
  /** Largest relative difference tolerated between the two passes. */
  public static final double TOLERANCE = 1e-4;

  private ThreadSafetyCheck() {}

  /** Throws {@link IllegalStateException} with a one-line remedy when the two passes disagree. */
  public static void verify() {
    double diff = worstDisagreement(4);
    if (!(diff <= TOLERANCE)) {
      throw new IllegalStateException(String.format(
          "float32 gradients of two identical backward passes differ (relative %.3g): libtorch's "
              + "multi-threaded kernels are unreliable on this CPU; run with OMP_NUM_THREADS=1 or with "
              + "MKL_ENABLE_INSTRUCTIONS=AVX2 and DNNL_MAX_CPU_ISA=AVX2 (the ./lcnn launcher sets these)", diff));
    }
  }

  /** The largest relative gradient difference over {@code trials} pairs of identical passes. */
  public static double worstDisagreement(int trials) {
    ModelSpec spec = new ModelSpec(ModelFamily.SMALL_CNN, false, 1000, 0.5, 1, 28, 28, 10);
    double worst = 0;
    try (Network net = Network.create(spec); NDScope scope = new NDScope()) {
      NDManager m = net.manager();
      Engine.getInstance().setRandomSeed(1);
      NDArray x = m.randomUniform(0, 1, new Shape(64, 1, 28, 28));
      NDArray y = m.randomInteger(0, 10, new Shape(64), ai.djl.ndarray.types.DataType.INT64);
      for (int t = 0; t < trials; t++) {
        float[] a = gradients(net, x, y);
        float[] b = gradients(net, x, y);
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
          num = Math.max(num, Math.abs(a[i] - b[i]));
          den = Math.max(den, Math.abs(a[i]));
        }
        worst = Math.max(worst, num / Math.max(den, 1e-30));
      }
    }
    return worst;
  }

  private static float[] gradients(Network net, NDArray x, NDArray y) {
    net.zeroGradients();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(CrossEntropy.mean(net.forwardFrozen(x), y));
    }
    int total = 0;
    for (Parameter p : net.trainableParameters()) {
      total += (int) p.getArray().size();
    }
    float[] out = new float[total];
    int off = 0;
    for (Parameter p : net.trainableParameters()) {
      float[] g = p.getArray().getGradient().toFloatArray();
      System.arraycopy(g, 0, out, off, g.length);
      off += g.length;
    }
    return out;
  }
}
