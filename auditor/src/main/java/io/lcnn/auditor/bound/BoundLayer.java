package io.lcnn.auditor.bound;

import java.util.List;

/**
 * One layer f_i of Theorem 1's chain, with its bounds.
 *
 * @param index position i in the chain, from 0
 * @param kind {@code "linear"}, {@code "activation"} or {@code "loss"}
 * @param name the activation node, or the linear stage as "input → output"
 * @param ops op types of the stage's nodes (linear), the activation's op, or the loss head
 * @param size n_i: elements per sample of the layer's output
 * @param lipschitz L_i: ‖A‖₂ by power iteration (linear), sup|σ'| (activation), √2 (loss)
 * @param curvature sup C_{f_i}: 0 for linear layers; null when unbounded
 * @param secondDerivative sup‖∇²f_i‖ per output: 0 for linear layers
 * @param beta β of a softplus written Mul(β) → Softplus → … → Div(β), else null
 * @param powerIterations power-iteration steps spent on a linear stage, else null
 * @param curvatureTerm n_i · C_i · Π_{j<i} L_j; null for linear layers and when unbounded
 * @param hessianTerm K_i · (Π_{j<i} L_j)² · Π_{j>i} L_j; null for linear layers
 */
public record BoundLayer(
    int index,
    String kind,
    String name,
    List<String> ops,
    long size,
    double lipschitz,
    Double curvature,
    double secondDerivative,
    Double beta,
    Integer powerIterations,
    Double curvatureTerm,
    Double hessianTerm) {}
