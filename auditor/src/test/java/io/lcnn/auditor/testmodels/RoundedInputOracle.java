package io.lcnn.auditor.testmodels;

import io.lcnn.datasets.FloatTensor;

/**
 * A deliberately masked model: the classifier sees round(x) (inputs binarized at 0.5), so its
 * exact input gradient is zero almost everywhere, as automatic differentiation reports it.
 */
public final class RoundedInputOracle extends MlpOracle {
  public RoundedInputOracle(TanhMlp model) {
    super(model);
  }

  @Override
  protected FloatTensor transformInput(FloatTensor x) {
    float[] r = new float[x.data().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.round(x.data()[i]);
    }
    return new FloatTensor(x.shape().clone(), r);
  }

  @Override
  protected double inputJacobianScale() {
    return 0;
  }
}
