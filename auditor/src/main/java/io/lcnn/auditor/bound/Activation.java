package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.diff.Attrs;

/**
 * Closed-form bounds of the elementwise activations Theorem 1 can use, as functions of one real
 * variable: {@code slope} = sup|σ'|, {@code curvature} = sup|σ''/σ'| (the layer's normalized
 * curvature), {@code secondDerivative} = sup|σ''|. A scaled activation such as softplus with β
 * (written Mul(β) → Softplus → Div(β)) is the unit activation between two linear maps, whose
 * norms the neighbouring linear stages include: its curvature bound becomes β, as in paper eq. 3.
 * {@link Double#POSITIVE_INFINITY} means no finite bound, with {@code reason} saying why.
 */
public enum Activation {
  /** softplus(z) = ln(1 + eᶻ): σ' = sigmoid ≤ 1, σ''/σ' = 1 − sigmoid(z) ≤ 1, σ'' ≤ 1/4. */
  SOFTPLUS("Softplus", 1, 1, 0.25, null),
  /** tanh: σ' ≤ 1, |σ''/σ'| = 2|tanh z| < 2, |σ''| ≤ 4/(3√3). */
  TANH("Tanh", 1, 2, 4 / (3 * Math.sqrt(3)), null),
  /** sigmoid: σ' ≤ 1/4, |σ''/σ'| = |1 − 2σ| < 1, |σ''| ≤ √3/18. */
  SIGMOID("Sigmoid", 0.25, 1, Math.sqrt(3) / 18, null),
  /** ELU with α = 1: σ' ≤ 1, σ''/σ' = 1 for z < 0 and 0 above, |σ''| ≤ 1. */
  ELU("Elu", 1, 1, 1, null),
  /** GELU z·Φ(z): σ' ≤ 1.1289 (at z = √2), |σ''| ≤ 2φ(0); σ' vanishes at z ≈ −0.7518. */
  GELU("Gelu", 1.12891, Double.POSITIVE_INFINITY, 2 / Math.sqrt(2 * Math.PI),
      "GELU's slope vanishes at z ≈ −0.752, so |σ''/σ'| is unbounded (the Hessian-norm bound still holds)"),
  /** SiLU z·sigmoid(z): σ' ≤ 1.0998 (at z ≈ 2.40), |σ''| ≤ 1/2; σ' vanishes at z ≈ −1.278. */
  SILU("SiLU", 1.0999, Double.POSITIVE_INFINITY, 0.5,
      "SiLU's slope vanishes at z ≈ −1.278, so |σ''/σ'| is unbounded (the Hessian-norm bound still holds)");

  private final String op;
  private final double slope;
  private final double curvature;
  private final double secondDerivative;
  private final String reason;

  Activation(String op, double slope, double curvature, double secondDerivative, String reason) {
    this.op = op;
    this.slope = slope;
    this.curvature = curvature;
    this.secondDerivative = secondDerivative;
    this.reason = reason;
  }

  /** The ONNX op (or pattern) name. */
  public String op() {
    return op;
  }

  /** sup|σ'|: the activation's Lipschitz constant. */
  public double slope() {
    return slope;
  }

  /** sup|σ''/σ'|: the bound on the layer's normalized curvature; +∞ when unbounded. */
  public double curvature() {
    return curvature;
  }

  /** sup|σ''|: the bound on each output's second derivative. */
  public double secondDerivative() {
    return secondDerivative;
  }

  /** Why {@link #curvature()} is infinite, or null. */
  public String reason() {
    return reason;
  }

  /** The activation a single node computes, or null when the node is not one of these. */
  public static Activation of(OnnxMl.NodeProto n) {
    return switch (n.getOpType()) {
      case "Softplus" -> SOFTPLUS;
      case "Tanh" -> TANH;
      case "Sigmoid" -> SIGMOID;
      case "Gelu" -> GELU;
      case "Elu" -> Attrs.f(n, "alpha", 1f) == 1f ? ELU : null;
      default -> null;
    };
  }

  /**
   * Why a node that is not affine and not one of these activations has no bound: kinked
   * piecewise-linear ops (ReLU and its relatives, max-pooling) have an unbounded second
   * derivative at their kinks; other ops are named as unsupported.
   */
  public static String whyNoBound(OnnxMl.NodeProto n) {
    return switch (n.getOpType()) {
      case "Relu" -> "ReLU has a kink at 0: its second derivative is unbounded there (a Dirac mass), so its curvature"
          + " has no finite bound and Theorem 1 gives none; the measured Hessian is the almost-everywhere one";
      case "LeakyRelu", "PRelu", "Abs", "Clip", "Max", "Min", "HardSigmoid", "HardSwish", "ThresholdedRelu", "Shrink" ->
          n.getOpType() + " is piecewise linear with kinks: its second derivative is unbounded at the kinks, so no"
              + " curvature bound exists";
      case "MaxPool" -> "MaxPool switches between inputs (a kink wherever two inputs of a window tie): its second"
          + " derivative is unbounded there, so no curvature bound exists";
      case "Elu" -> "Elu with alpha ≠ 1 has a kink at 0 (slope jumps from alpha to 1), so no curvature bound exists";
      case "LayerNormalization", "InstanceNormalization", "GroupNormalization", "LpNormalization" ->
          n.getOpType() + " divides by a statistic of its input, so it is not a fixed affine map; Theorem 1 has no"
              + " closed-form slope or curvature for it";
      default -> "op " + n.getOpType() + " is neither affine nor an activation with known slope and curvature bounds"
          + " (Softplus, Tanh, Sigmoid, Elu(alpha=1), Gelu)";
    };
  }
}
