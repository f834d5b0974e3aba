package io.lcnn.auditor.testmodels;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;

/**
 * Analytic gradient oracle of a {@link TanhMlp} with cross-entropy loss, in double precision
 * (results stored as float32). Counts calls so tests can check batching.
 */
public class MlpOracle implements GradientOracle {
  protected final TanhMlp model;
  public int gradientCalls;
  public int forwardCalls;

  public MlpOracle(TanhMlp model) {
    this.model = model;
  }

  /** Per-sample logits of a batch. */
  protected double[][] logits(FloatTensor x) {
    int b = x.batchSize();
    int d = x.sampleSize();
    double[][] z = new double[b][];
    for (int i = 0; i < b; i++) {
      z[i] = model.logits(x.data(), i * d);
    }
    return z;
  }

  /** Output row and loss of one sample from its logits; subclasses may change the output. */
  protected float[] outputRow(double[] z) {
    float[] o = new float[z.length];
    for (int k = 0; k < z.length; k++) {
      o[k] = (float) z[k];
    }
    return o;
  }

  /** Loss from the logits (CE with softmax, as logsumexp − z_y). */
  protected double loss(double[] z, int y) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s) - z[y];
  }

  /** ∂loss/∂z for one sample. */
  protected double[] lossGradient(double[] z, int y) {
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
    return p;
  }

  /** The input the model sees (identity; masked variants transform it). */
  protected FloatTensor transformInput(FloatTensor x) {
    return x;
  }

  /** Scale of the input gradient through {@link #transformInput} (1; 0 for rounding). */
  protected double inputJacobianScale() {
    return 1;
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    forwardCalls++;
    return evaluate(x, labels);
  }

  private ForwardResult evaluate(FloatTensor x, int[] labels) {
    FloatTensor t = transformInput(x);
    double[][] z = logits(t);
    int b = x.batchSize();
    int k = model.classes();
    float[] out = new float[b * k];
    float[] loss = new float[b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(outputRow(z[i]), 0, out, i * k, k);
      loss[i] = (float) loss(z[i], labels[i]);
    }
    return new ForwardResult(loss, new FloatTensor(new long[] {b, k}, out));
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    gradientCalls++;
    ForwardResult f = evaluate(x, labels);
    FloatTensor t = transformInput(x);
    double[][] z = logits(t);
    int d = x.sampleSize();
    float[] g = new float[x.data().length];
    for (int i = 0; i < x.batchSize(); i++) {
      double[] gx = model.backward(t.data(), i * d, lossGradient(z[i], labels[i]));
      for (int j = 0; j < d; j++) {
        g[i * d + j] = (float) (gx[j] * inputJacobianScale());
      }
    }
    return new GradientResult(f.loss(), f.output(), new FloatTensor(x.shape().clone(), g));
  }

  @Override
  public String mode() {
    return "analytic";
  }
}
