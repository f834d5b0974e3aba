package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * A classifier graph read as Theorem 1's chain f = ℓ ∘ A_m ∘ σ_m ∘ … ∘ σ_1 ∘ A_0: linear (affine)
 * stages {@code linear.get(k)} alternate with elementwise activations {@code activations.get(k)},
 * and the last linear stage ends at the logits that the cross-entropy layer reads. When the
 * graph is not such a chain, {@code noBound} names the first node that breaks it and the lists
 * hold what was read before it.
 *
 * @param linear linear stages, one more than activations when complete
 * @param activations activations in forward order
 * @param noBound why no bound exists, or null
 */
public record LayerChain(List<LinearStage> linear, List<ActivationStage> activations, NoBound noBound) {

  /**
   * An affine map between two tensors: its nodes (in graph order) compute {@code output} from
   * {@code input} and constants; no nodes means the identity.
   */
  public record LinearStage(String input, String output, List<OnnxMl.NodeProto> nodes) {}

  /**
   * One elementwise activation node.
   *
   * @param node the node
   * @param kind its bounds
   * @param size n_i: elements of its output per sample
   */
  public record ActivationStage(OnnxMl.NodeProto node, Activation kind, long size) {}
}
