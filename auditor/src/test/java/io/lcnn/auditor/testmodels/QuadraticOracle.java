package io.lcnn.auditor.testmodels;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.oracle.HvpOracle;
import java.util.SplittableRandom;
import io.lcnn.datasets.FloatTensor;

/**
 * f(x) = ½ xᵀAx + bᵀx with a fixed symmetric A (constant Hessian), computed in double; the
 * output is two dummy logits (f, −f). Its gradient is Ax + b, so ‖∇f(x+rδ) − ∇f(x)‖ = r‖Aδ‖,
 * and H·v = Av. Optionally the reported gradients carry random errors of relative size
 * {@code gradientNoise} (imitating float32 rounding in a deep graph); HVPs stay exact.
 */
public final class QuadraticOracle implements GradientOracle, HvpOracle {
  private final double[][] a;
  private final double[] b;
  private final double gradientNoise;
  private final SplittableRandom rng = new SplittableRandom(17);

  public QuadraticOracle(double[][] a, double[] b) {
    this(a, b, 0);
  }

  public QuadraticOracle(double[][] a, double[] b, double gradientNoise) {
    this.a = a;
    this.b = b;
    this.gradientNoise = gradientNoise;
  }

  @Override
  public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
    int d = b.length;
    float[] out = new float[v.data().length];
    for (int i = 0; i < x.batchSize(); i++) {
      double[] av = apply(v.data(), i * d);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) av[j];
      }
    }
    return new FloatTensor(v.shape().clone(), out);
  }

  @Override
  public void close() {}

  /** A·v. */
  public double[] apply(float[] v, int off) {
    int d = b.length;
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += a[i][j] * v[off + j];
      }
      out[i] = s;
    }
    return out;
  }

  /** ∇f at one sample. */
  public double[] grad(float[] x, int off) {
    double[] g = apply(x, off);
    for (int i = 0; i < g.length; i++) {
      g[i] += b[i];
    }
    return g;
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    int n = x.batchSize();
    int d = b.length;
    float[] loss = new float[n];
    float[] out = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double[] ax = apply(x.data(), i * d);
      double f = 0;
      for (int j = 0; j < d; j++) {
        f += 0.5 * x.data()[i * d + j] * ax[j] + b[j] * x.data()[i * d + j];
      }
      loss[i] = (float) f;
      out[2 * i] = (float) f;
      out[2 * i + 1] = (float) -f;
    }
    return new ForwardResult(loss, new FloatTensor(new long[] {n, 2}, out));
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    ForwardResult f = forward(x, labels);
    int d = b.length;
    float[] g = new float[x.data().length];
    for (int i = 0; i < x.batchSize(); i++) {
      double[] gi = grad(x.data(), i * d);
      double n = 0;
      for (double t : gi) {
        n += t * t;
      }
      double sd = gradientNoise * Math.sqrt(n / d);
      for (int j = 0; j < d; j++) {
        double u1 = 1 - rng.nextDouble();
        double noise = sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
        g[i * d + j] = (float) (gi[j] + noise);
      }
    }
    return new GradientResult(f.loss(), f.output(), new FloatTensor(x.shape().clone(), g));
  }

  @Override
  public String mode() {
    return "analytic";
  }
}
