package io.lcnn.auditor.testmodels;

/**
 * A deliberately masked model: it outputs softmax(T·z) with a large temperature factor T,
 * computed in float32 as an ONNX graph would, and its loss is −log p_y of those probabilities.
 * Confident samples saturate (p_y rounds to 1, the other probabilities underflow to 0), so the
 * loss and its gradient are exactly zero there.
 */
public final class SaturatedSoftmaxOracle extends MlpOracle {
  private final float temperature;

  public SaturatedSoftmaxOracle(TanhMlp model, float temperature) {
    super(model);
    this.temperature = temperature;
  }

  private float[] probabilities(double[] z) {
    float m = Float.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, temperature * (float) v);
    }
    float[] p = new float[z.length];
    float s = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = (float) Math.exp(temperature * (float) z[k] - m);
      s += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= s;
    }
    return p;
  }

  @Override
  protected float[] outputRow(double[] z) {
    return probabilities(z);
  }

  @Override
  protected double loss(double[] z, int y) {
    return -Math.log(probabilities(z)[y]);
  }

  @Override
  protected double[] lossGradient(double[] z, int y) {
    float[] p = probabilities(z);
    double[] g = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      float minus = k == y ? p[k] - 1f : p[k];
      g[k] = temperature * minus;
    }
    return g;
  }
}
