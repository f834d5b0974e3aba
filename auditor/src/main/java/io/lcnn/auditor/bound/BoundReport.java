package io.lcnn.auditor.bound;

import java.util.List;

/**
 * The data-free bounds of one classifier (Theorem 1), for the function the audit measures:
 * f(x) = cross-entropy of softmax(logits(x)) against the label (−log p_y for a graph ending in
 * Softmax), as a function of the whole input tensor. With layers f_1 … f_L (the last one the loss
 * layer, n_L = 1), Lipschitz constants L_j, curvature bounds C_i and second-derivative bounds K_i:
 * curvatureBound = Σ_i n_i · C_i · Π_{j<i} L_j (≥ max_x C_f(x) as the theorem states it),
 * hessianNormBound = Σ_i K_i · (Π_{j<i} L_j)² · Π_{j>i} L_j (≥ max_x ‖∇²f(x)‖₂),
 * gradientNormBound = Π_j L_j (≥ max_x ‖∇f(x)‖₂).
 *
 * @param function which function the bounds are about
 * @param form the formula of curvatureBound
 * @param curvatureBound the bound on C_f, or null when none exists
 * @param hessianNormBound the bound on ‖∇²f‖₂ (loss units per squared input unit), or null
 * @param gradientNormBound the bound on ‖∇f‖₂ (loss units per input unit), or null
 * @param noBound why a bound is missing (the node and the reason), or null
 * @param classes K, the number of classes the loss layer reads
 * @param layers the chain, input first, loss last (what was read before a break)
 * @param lcnnMetadata for lcnn exports: β and γ from the metadata checked against the graph; else null
 * @param powerTolerance relative change at which the power iterations stopped
 * @param seed seed of the power iterations' start vectors
 */
public record BoundReport(
    String function,
    String form,
    Double curvatureBound,
    Double hessianNormBound,
    Double gradientNormBound,
    NoBound noBound,
    int classes,
    List<BoundLayer> layers,
    LcnnMetadataCheck lcnnMetadata,
    double powerTolerance,
    long seed) {

  /** The function the bounds are about. */
  public static final String FUNCTION = "loss f(x) = cross-entropy of softmax(logits(x)) against the label"
      + " (−log p_y for a graph ending in Softmax), the function the audit measures";

  /** The formula of the curvature bound. */
  public static final String FORM = "sum_i n_i * C_i * prod_{j<i} L_j";

  /**
   * The report of a model whose chain could not be evaluated (e.g. ONNX Runtime cannot run a
   * stage alone): no bound, with the reason.
   */
  public static BoundReport unavailable(String reason, int classes, double powerTolerance, long seed) {
    return new BoundReport(FUNCTION, FORM, null, null, null, new NoBound("(graph)", "", reason), classes, List.of(), null,
        powerTolerance, seed);
  }
}
