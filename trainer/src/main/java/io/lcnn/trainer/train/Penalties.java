package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.LipschitzBatchNorm;
import io.lcnn.trainer.model.Blocks;

/**
 * The loss terms the recipes add to the mean cross-entropy, as differentiable scalars. GradReg
 * and CURE use first-order finite differences only (no double backprop, so memory stays flat):
 * the gradient of a squared input-gradient norm ‖g‖² with respect to the parameters is
 * 2 ∂(g·d)/∂θ with d = g held constant, and g·d is a directional derivative of the loss along d,
 * formed as a forward difference of losses.
 */
public final class Penalties {
  private Penalties() {}

  /** λ_β Σ β_i + λ_γ Σ |log γ_j| over the learnable activations and Lipschitz batch norms. */
  public static NDArray lcnn(Network net, double lambdaBeta, double lambdaGamma, NDManager m) {
    NDArray total = m.zeros(new ai.djl.ndarray.types.Shape(1), dataType(net));
    for (CenteredSoftplus a : Blocks.ofType(net.block(), CenteredSoftplus.class)) {
      if (a.learnable()) {
        total = total.add(a.betaArray().mul(lambdaBeta));
      }
    }
    for (LipschitzBatchNorm b : Blocks.ofType(net.block(), LipschitzBatchNorm.class)) {
      total = total.add(b.logGammaParameter().getArray().abs().mul(lambdaGamma));
    }
    return total.sum();
  }

  private static ai.djl.ndarray.types.DataType dataType(Network net) {
    return net.block().getParameters().valueAt(0).getArray().getDataType();
  }

  /**
   * GradReg, first-order: with G = ∂(mean CE)/∂x for the whole batch (computed beforehand by
   * {@link InputGradients}), d = G/‖G‖ and D = (CE(x + h·d) − CE(x))/h ≈ ‖G‖, returns
   * λ_g · 1e5 · D² / B, whose value and parameter gradient match λ_g · 1e5 · ‖G‖²_F / B to O(h).
   * {@code cleanLoss} is the mean CE at x from the step's own forward pass.
   */
  public static NDArray gradReg(Network net, NDArray x, NDArray labels, NDArray g, NDArray cleanLoss,
      double lambdaGrad, double h) {
    long batch = x.getShape().get(0);
    NDArray d = g.div(g.norm().add(1e-30));
    NDArray shifted = CrossEntropy.mean(net.forwardFrozen(x.add(d.mul(h))), labels);
    NDArray dirDeriv = shifted.sub(cleanLoss).div(h);
    return dirDeriv.square().mul(lambdaGrad * 1e5 / batch);
  }

  /**
   * CURE, first-order: with per-sample gradients g₀ = ∇ₓΣCE at x and g₁ at x + h·z,
   * z = sign(g₀)/‖sign(g₀)‖ per sample, and Δ = g₁ − g₀ (held constant), returns a scalar whose
   * value and parameter gradient match λ_c · ‖Δ‖²/B to first order in the step t = fdStep/‖Δ‖:
   * λ_c/B · ((2/t)[L(x+hz+tΔ) − L(x+hz) − L(x+tΔ) + L(x)] − ‖Δ‖²) with L the summed CE.
   */
  public static NDArray cure(Network net, NDArray x, NDArray xShift, NDArray labels, NDArray delta,
      double lambdaCure, double fdStep) {
    long batch = x.getShape().get(0);
    double deltaNorm = delta.norm().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    if (deltaNorm == 0) {
      return delta.sum().mul(0);
    }
    double t = fdStep / deltaNorm;
    NDArray step = delta.mul(t);
    NDArray a = CrossEntropy.sum(net.forwardFrozen(xShift.add(step)), labels);
    NDArray b = CrossEntropy.sum(net.forwardFrozen(xShift), labels);
    NDArray c = CrossEntropy.sum(net.forwardFrozen(x.add(step)), labels);
    NDArray e = CrossEntropy.sum(net.forwardFrozen(x), labels);
    NDArray surrogate = a.sub(b).sub(c).add(e).mul(2 / t);
    return surrogate.sub(deltaNorm * deltaNorm).mul(lambdaCure / batch);
  }

  /** CURE's shift direction h·sign(g)/‖sign(g)‖ per sample. */
  public static NDArray cureShift(NDArray g, double h) {
    NDArray s = g.sign();
    return s.div(InputGradients.perSampleNorm(s).add(1e-12)).mul(h);
  }
}
