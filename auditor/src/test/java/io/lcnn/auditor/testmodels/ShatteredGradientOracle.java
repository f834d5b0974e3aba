package io.lcnn.auditor.testmodels;

import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.SplittableRandom;

/**
 * A deliberately masked model: the loss and outputs are those of a smooth {@link TanhMlp}, but
 * the reported input gradient is random noise of the true gradient's norm (an obfuscated,
 * "shattered" gradient that points nowhere useful).
 */
public final class ShatteredGradientOracle extends MlpOracle {
  private final SplittableRandom rng = new SplittableRandom(99);

  public ShatteredGradientOracle(TanhMlp model) {
    super(model);
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    GradientResult r = super.gradient(x, labels);
    int d = x.sampleSize();
    float[] g = r.gradient().data();
    float[] out = new float[g.length];
    for (int i = 0; i < x.batchSize(); i++) {
      double norm = 0;
      double noise = 0;
      for (int j = 0; j < d; j++) {
        norm += (double) g[i * d + j] * g[i * d + j];
        out[i * d + j] = (float) (rng.nextDouble() - 0.5);
        noise += (double) out[i * d + j] * out[i * d + j];
      }
      double scale = Math.sqrt(norm / noise);
      for (int j = 0; j < d; j++) {
        out[i * d + j] *= (float) scale;
      }
    }
    return new GradientResult(r.loss(), r.output(), new FloatTensor(x.shape().clone(), out));
  }
}
