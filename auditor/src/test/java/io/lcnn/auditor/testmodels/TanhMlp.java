package io.lcnn.auditor.testmodels;

import java.util.SplittableRandom;

/**
 * A small classifier z = W2·tanh(W1·(x − c) + b1) + b2 (or z = W2·(x − c) + b2 without a hidden
 * layer) on flattened inputs, with closed-form input gradients of the cross-entropy loss, in
 * double precision. Weights are float32 values so that an ONNX copy computes the same function.
 */
public final class TanhMlp {
  final int in;
  final int hidden;
  final int classes;
  final float[] w1;
  final float[] b1;
  final float[] w2;
  final float[] b2;
  final float center;

  TanhMlp(int in, int hidden, int classes, float[] w1, float[] b1, float[] w2, float[] b2, float center) {
    this.in = in;
    this.hidden = hidden;
    this.classes = classes;
    this.w1 = w1;
    this.b1 = b1;
    this.w2 = w2;
    this.b2 = b2;
    this.center = center;
  }

  /** Random weights: W1 ~ N(0, (scale1)²/in), W2 ~ N(0, 1/hidden) (hidden = 0: linear). */
  public static TanhMlp random(int in, int hidden, int classes, double scale1, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int h = hidden == 0 ? in : hidden;
    float[] w1 = hidden == 0 ? null : gaussian(rng, hidden * in, scale1 / Math.sqrt(in));
    float[] b1 = hidden == 0 ? null : gaussian(rng, hidden, 0.1);
    float[] w2 = gaussian(rng, classes * h, (hidden == 0 ? scale1 : 1.0) / Math.sqrt(h));
    float[] b2 = gaussian(rng, classes, 0.1);
    return new TanhMlp(in, hidden, classes, w1, b1, w2, b2, 0.5f);
  }

  private static float[] gaussian(SplittableRandom rng, int n, double sd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - rng.nextDouble();
      double u2 = rng.nextDouble();
      v[i] = (float) (sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return v;
  }

  /** W2, [classes, hidden] row-major (for a linear model: [classes, inputs]). */
  public float[] outputWeights() {
    return w2;
  }

  /** Input size. */
  public int inputs() {
    return in;
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /** Hidden width (0: linear). */
  public int hidden() {
    return hidden;
  }

  /** Logits of one sample (x[off .. off+in)). */
  public double[] logits(float[] x, int off) {
    double[] h = hiddenActivations(x, off);
    int hw = h.length;
    double[] z = new double[classes];
    for (int k = 0; k < classes; k++) {
      double s = b2[k];
      for (int j = 0; j < hw; j++) {
        s += w2[k * hw + j] * h[j];
      }
      z[k] = s;
    }
    return z;
  }

  /** Logits of one sample given in double precision (for finite-difference references). */
  public double[] logitsDouble(double[] x) {
    double[] h;
    if (hidden == 0) {
      h = new double[in];
      for (int j = 0; j < in; j++) {
        h[j] = x[j] - center;
      }
    } else {
      h = new double[hidden];
      for (int j = 0; j < hidden; j++) {
        double s = b1[j];
        for (int i = 0; i < in; i++) {
          s += w1[j * in + i] * (x[i] - center);
        }
        h[j] = Math.tanh(s);
      }
    }
    double[] z = new double[classes];
    for (int k = 0; k < classes; k++) {
      double s = b2[k];
      for (int j = 0; j < h.length; j++) {
        s += w2[k * h.length + j] * h[j];
      }
      z[k] = s;
    }
    return z;
  }

  private double[] hiddenActivations(float[] x, int off) {
    if (hidden == 0) {
      double[] h = new double[in];
      for (int j = 0; j < in; j++) {
        h[j] = x[off + j] - center;
      }
      return h;
    }
    double[] h = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      double s = b1[j];
      for (int i = 0; i < in; i++) {
        s += w1[j * in + i] * (x[off + i] - center);
      }
      h[j] = Math.tanh(s);
    }
    return h;
  }

  /** ∂(Σ_k a_k z_k)/∂x for one sample: backpropagates the logit cotangent {@code a}. */
  public double[] backward(float[] x, int off, double[] a) {
    double[] h = hiddenActivations(x, off);
    int hw = h.length;
    double[] gh = new double[hw];
    for (int j = 0; j < hw; j++) {
      double s = 0;
      for (int k = 0; k < classes; k++) {
        s += a[k] * w2[k * hw + j];
      }
      gh[j] = s;
    }
    if (hidden == 0) {
      return gh;
    }
    double[] gx = new double[in];
    for (int j = 0; j < hidden; j++) {
      double pre = gh[j] * (1 - h[j] * h[j]);
      for (int i = 0; i < in; i++) {
        gx[i] += pre * w1[j * in + i];
      }
    }
    return gx;
  }

  /** Input gradient of the cross-entropy loss of one sample, in double. */
  public double[] lossGradient(float[] x, int off, int y) {
    double[] z = logits(x, off);
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    double[] p = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] - m);
      s += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= s;
    }
    p[y] -= 1;
    return backward(x, off, p);
  }

  /**
   * H·v for the input Hessian of the cross-entropy loss of one sample, in closed form:
   * W1ᵀ[D W2ᵀ(diag p − ppᵀ)W2 D + diag(q ⊙ tanh″)]W1 v with D = diag(1 − h²), q = W2ᵀ(p − e_y),
   * tanh″ = −2h(1 − h²) (hidden models only).
   */
  public double[] hessianVector(float[] x, int off, int y, double[] v) {
    double[] h = hiddenActivations(x, off);
    double[] z = logits(x, off);
    double m = Double.NEGATIVE_INFINITY;
    for (double t : z) {
      m = Math.max(m, t);
    }
    double[] p = new double[classes];
    double s = 0;
    for (int k = 0; k < classes; k++) {
      p[k] = Math.exp(z[k] - m);
      s += p[k];
    }
    for (int k = 0; k < classes; k++) {
      p[k] /= s;
    }
    double[] u = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      for (int i = 0; i < in; i++) {
        u[j] += w1[j * in + i] * v[i];
      }
    }
    double[] du = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      du[j] = (1 - h[j] * h[j]) * u[j];
    }
    double[] zu = new double[classes];
    double pz = 0;
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < hidden; j++) {
        zu[k] += w2[k * hidden + j] * du[j];
      }
      pz += p[k] * zu[k];
    }
    double[] sz = new double[classes];
    for (int k = 0; k < classes; k++) {
      sz[k] = p[k] * zu[k] - p[k] * pz;
    }
    double[] back = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      double t = 0;
      double q = 0;
      for (int k = 0; k < classes; k++) {
        t += w2[k * hidden + j] * sz[k];
        q += w2[k * hidden + j] * (p[k] - (k == y ? 1 : 0));
      }
      back[j] = (1 - h[j] * h[j]) * t + q * (-2 * h[j] * (1 - h[j] * h[j])) * u[j];
    }
    double[] out = new double[in];
    for (int j = 0; j < hidden; j++) {
      for (int i = 0; i < in; i++) {
        out[i] += w1[j * in + i] * back[j];
      }
    }
    return out;
  }

  /** Largest |eigenvalue| of the input Hessian of one sample's loss (power iteration on H·v). */
  public double hessianNorm(float[] x, int off, int y) {
    double[] v = new double[in];
    for (int i = 0; i < in; i++) {
      v[i] = Math.sin(i + 1.0);
    }
    double lambda = 0;
    for (int it = 0; it < 300; it++) {
      double[] w = hessianVector(x, off, y, v);
      double n = 0;
      for (double t : w) {
        n += t * t;
      }
      lambda = Math.sqrt(n);
      if (lambda == 0) {
        return 0;
      }
      for (int i = 0; i < in; i++) {
        v[i] = w[i] / lambda;
      }
    }
    return lambda;
  }

  /** Predicted class of one sample. */
  public int predict(float[] x, int off) {
    double[] z = logits(x, off);
    int best = 0;
    for (int k = 1; k < z.length; k++) {
      best = z[k] > z[best] ? k : best;
    }
    return best;
  }
}
