package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.Constant;
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
        total = total.add(a.betaArray().mul(Constant.of(total, lambdaBeta)));
      }
    }
    for (LipschitzBatchNorm b : Blocks.ofType(net.block(), LipschitzBatchNorm.class)) {
      total = total.add(b.logGammaParameter().getArray().abs().mul(Constant.of(total, lambdaGamma)));
    }
    return total.sum();
  }

  private static ai.djl.ndarray.types.DataType dataType(Network net) {
    return net.block().getParameters().valueAt(0).getArray().getDataType();
  }

  /**
   * GradReg, first-order: with G = ∂(mean CE)/∂x for the whole batch (computed beforehand by
   * {@link InputGradients}), d = G/‖G‖ and the central difference D = (CE(x + h·d) − CE(x − h·d))/(2h)
   * ≈ G·d, returns a scalar whose value is exactly λ_g · 1e5 · ‖G‖²_F / B and whose parameter
   * gradient is that of λ_g · 1e5 · D² / B, which matches the exact one to O(h²).
   */
  public static NDArray gradReg(Network net, NDArray x, NDArray labels, NDArray g, double lambdaGrad, double h) {
    long batch = x.getShape().get(0);
    NDArray gNorm = g.norm();
    NDArray d = g.div(gNorm.add(1e-30)).mul(h);
    NDArray plus = CrossEntropy.mean(net.forwardFrozen(x.add(d)), labels);
    NDArray minus = CrossEntropy.mean(net.forwardFrozen(x.sub(d)), labels);
    NDArray dirDeriv = plus.sub(minus).div(Constant.of(plus, 2 * h));
    return exactValue(dirDeriv.square(), gNorm.square()).mul(Constant.of(dirDeriv, lambdaGrad * 1e5 / batch));
  }

  /**
   * CURE, first-order: with per-sample gradients g₀ = ∇ₓΣCE at x and g₁ at x' = x + h·z,
   * z = sign(g₀)/‖sign(g₀)‖ per sample, and Δ = g₁ − g₀ (held constant), returns a scalar whose
   * value is exactly λ_c · ‖Δ‖²/B and whose parameter gradient is that of
   * λ_c/B · (1/t)[L(x'+tΔ) − L(x'−tΔ) − L(x+tΔ) + L(x−tΔ)] with L the summed CE and
   * t = fdStep/‖Δ‖: central differences of the directional derivatives along Δ at x' and x, which
   * match the exact gradient 2Δ·∂(g₁ − g₀)/∂θ to O(t²).
   */
  public static NDArray cure(Network net, NDArray x, NDArray xShift, NDArray labels, NDArray delta,
      double lambdaCure, double fdStep) {
    long batch = x.getShape().get(0);
    NDArray deltaNorm = delta.norm();
    double norm = deltaNorm.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    if (norm == 0) {
      return delta.sum().mul(0);
    }
    double t = fdStep / norm;
    NDArray step = delta.mul(t);
    NDArray a = CrossEntropy.sum(net.forwardFrozen(xShift.add(step)), labels);
    NDArray b = CrossEntropy.sum(net.forwardFrozen(xShift.sub(step)), labels);
    NDArray c = CrossEntropy.sum(net.forwardFrozen(x.add(step)), labels);
    NDArray e = CrossEntropy.sum(net.forwardFrozen(x.sub(step)), labels);
    NDArray surrogate = a.sub(b).sub(c).add(e).div(Constant.of(a, t));
    return exactValue(surrogate, deltaNorm.square()).mul(Constant.of(surrogate, lambdaCure / batch));
  }

  /** A scalar with the value of {@code value} and the parameter gradient of {@code surrogate}. */
  private static NDArray exactValue(NDArray surrogate, NDArray value) {
    return surrogate.sub(surrogate.stopGradient()).add(value.stopGradient());
  }

  /** CURE's shift direction h·sign(g)/‖sign(g)‖ per sample. */
  public static NDArray cureShift(NDArray g, double h) {
    NDArray s = g.sign();
    return s.div(InputGradients.perSampleNorm(s).add(1e-12)).mul(h);
  }
}
