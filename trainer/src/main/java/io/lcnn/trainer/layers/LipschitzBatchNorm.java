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
 * unbiased variance), as torch's BatchNorm2d does.
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
    return gammaArray().mul(minStd).minimum(1f);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long c = x.getShape().get(1);
    NDArray mean;
    NDArray var;
    if (training) {
      NDArray perChannel = x.transpose(1, 0, 2, 3).reshape(c, -1);
      mean = perChannel.mean(new int[] {1}).reshape(1, c, 1, 1);
      var = x.sub(mean).transpose(1, 0, 2, 3).reshape(c, -1).square().mean(new int[] {1}).reshape(1, c, 1, 1);
      if (stateUpdates) {
        long n = x.getShape().size() / c;
        NDArray bm = mean.stopGradient().reshape(c);
        NDArray bv = var.stopGradient().reshape(c).mul(n / Math.max(1.0, n - 1.0));
        PowerIteration.store(runningMean.getArray(),
            runningMean.getArray().mul(1 - MOMENTUM).add(bm.mul(MOMENTUM)));
        PowerIteration.store(runningVar.getArray(),
            runningVar.getArray().mul(1 - MOMENTUM).add(bv.mul(MOMENTUM)));
      }
    } else {
      mean = runningMean.getArray().reshape(1, c, 1, 1);
      var = runningVar.getArray().reshape(1, c, 1, 1);
    }
    NDArray y = x.sub(mean).div(var.add(EPS).sqrt());
    return new NDList(y.mul(scaleArray()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
