package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Centered softplus activation s₀(x; β) = (softplus(βx) − ln 2)/β, element-wise on any shape.
 * One scalar β per layer, stored as log β with β = exp(logβ) + {@value #BETA_FLOOR}. Softplus is
 * libtorch's (threshold 20: linear beyond βx > 20), so large βx neither overflows nor loses its
 * gradient. With {@code learnable == false} β is frozen (the baselines' smooth ReLU, β=1000).
 */
public final class CenteredSoftplus extends AbstractBlock {
  /** Added to exp(logβ) so that β never reaches zero. */
  public static final double BETA_FLOOR = 1e-3;
  /** The LCNN's initial β. */
  public static final double INITIAL_BETA = 5.0;
  private static final double LN2 = Math.log(2.0);

  private final Parameter logBeta;
  private final boolean learnable;
  private final double initialBeta;

  /** A layer with initial β {@code initialBeta}, learnable or frozen. */
  public CenteredSoftplus(double initialBeta, boolean learnable) {
    if (!(initialBeta > BETA_FLOOR)) {
      throw new IllegalArgumentException("beta must exceed " + BETA_FLOOR + ", got " + initialBeta);
    }
    this.learnable = learnable;
    this.initialBeta = initialBeta;
    this.logBeta = addParameter(Parameter.builder()
        .setName("logBeta")
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(1))
        .optRequiresGrad(learnable)
        .optInitializer(new ConstantInitializer((float) Math.log(initialBeta - BETA_FLOOR)))
        .build());
  }

  /** Whether β is trained (and penalized by the LCNN recipes). */
  public boolean learnable() {
    return learnable;
  }

  /** The β this layer was created with. */
  public double initialBeta() {
    return initialBeta;
  }

  /** β as a one-element array, differentiable with respect to log β. */
  public NDArray betaArray() {
    return logBeta.getArray().exp().add(BETA_FLOOR);
  }

  /** The current β, computed exactly as the forward pass computes it (float32 if the model is). */
  public double beta() {
    try (NDArray b = betaArray()) {
      return b.toType(DataType.FLOAT64, false).getDouble(0);
    }
  }

  /** The log β parameter. */
  public Parameter logBetaParameter() {
    return logBeta;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray beta = betaArray();
    NDArray sp = x.mul(beta).getNDArrayInternal().softPlus();
    return new NDList(sp.sub(LN2).div(beta));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
