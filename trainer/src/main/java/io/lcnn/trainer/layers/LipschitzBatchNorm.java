package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;

import ai.djl.util.PairList;

/**
 * γ-Lipschitz batch norm on [N, C, H, W]: batch norm without affine parameters, scaled by
 * s = min(1, γ · min_c sqrt(running_var_c + eps)), so that in inference mode its Lipschitz
 * constant, max_c s / sqrt(running_var_c + eps), is at most γ. γ is learnable, stored as log γ
 * (initial {@value #INITIAL_GAMMA}). Training mode normalizes with the batch statistics and
 * updates the running ones (running = (1−m)·running + m·batch with m = {@value #MOMENTUM},
 * unbiased variance) with libtorch's batch_norm kernel; s always uses the running variance.
 */
public final class LipschitzBatchNorm extends AbstractBlock implements StatefulLayer {
  /** The initial γ. */
  public static final double INITIAL_GAMMA = 10.0;
  /** Added to variances. */
  public static final double EPS = 1e-5;
  /** Weight of the batch statistic in the running average. */
  public static final double MOMENTUM = 0.1;

  private final Parameter logGamma;
  private final Parameter runningMean;
  private final Parameter runningVar;
  private boolean stateUpdates = true;

  /** A layer with γ = {@value #INITIAL_GAMMA}. */
  public LipschitzBatchNorm() {
    logGamma = addParameter(Parameter.builder().setName("logGamma").setType(Parameter.Type.OTHER)
        .optShape(new Shape(1))
        .optInitializer(new ConstantInitializer((float) Math.log(INITIAL_GAMMA))).build());
    runningMean = addParameter(Parameter.builder().setName("runningMean")
        .setType(Parameter.Type.RUNNING_MEAN).optRequiresGrad(false)
        .optInitializer(Initializer.ZEROS).build());
    runningVar = addParameter(Parameter.builder().setName("runningVar")
        .setType(Parameter.Type.RUNNING_VAR).optRequiresGrad(false)
        .optInitializer(new ConstantInitializer(1f)).build());
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long c = inputShapes[0].get(1);
    runningMean.setShape(new Shape(c));
    runningVar.setShape(new Shape(c));
  }

  @Override
  public void setStateUpdates(boolean enabled) {
    stateUpdates = enabled;
  }

  /** The log γ parameter. */
  public Parameter logGammaParameter() {
    return logGamma;
  }

  /** Running mean per channel [C]. */
  public Parameter runningMeanParameter() {
    return runningMean;
  }

  /** Running variance per channel [C]. */
  public Parameter runningVarParameter() {
    return runningVar;
  }

  /** γ as a one-element array, differentiable with respect to log γ. */
  public NDArray gammaArray() {
    return logGamma.getArray().exp();
  }

  /** The current γ. */
  public double gamma() {
    try (NDArray g = gammaArray()) {
      return g.toType(DataType.FLOAT64, false).getDouble(0);
    }
  }

  /** The scale s = min(1, γ · min_c sqrt(running_var_c + eps)) as a one-element array. */
  public NDArray scaleArray() {
    NDArray minStd = runningVar.getArray().add(EPS).sqrt().min().reshape(1);
    return gammaArray().mul(minStd).minimum(Constant.of(minStd, 1));
  }

  /**
   * libtorch's fused batch norm (weight s in every channel, zero bias) on the running statistics,
   * which it updates in place in training mode; when state updates are off it works on copies. s is
   * computed from the running variance before this batch's update.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long c = x.getShape().get(1);
    boolean update = training && stateUpdates;
    NDArray mean = update ? runningMean.getArray() : runningMean.getArray().duplicate();
    NDArray var = update ? runningVar.getArray() : runningVar.getArray().duplicate();
    // The scale s enters as the kernel's per-channel weight (s repeated), so the product is fused.
    NDArray weight = scaleArray().repeat(0, c);
    NDArray zeros = x.getManager().zeros(new Shape(c), x.getDataType());
    // DJL passes (1 − momentum) to libtorch, so 1 − MOMENTUM here is libtorch's MOMENTUM.
    return x.getNDArrayInternal().batchNorm(x, mean, var, weight, zeros, 1, (float) (1 - MOMENTUM),
        (float) EPS, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
