package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;

/**
 * The graphs built from one model. In classifier mode the gradient graph maps (input [B, ...],
 * {@link #LABEL} int64 [B]) to ({@link #LOSS} [B] in nats, the model output [B, K], {@link #GRAD}
 * = ∂loss/∂input, shaped like the input); in VJP mode it maps (input, {@link #COTANGENT} shaped
 * like the output) to (output, {@link #GRAD} = ∂⟨output, cotangent⟩/∂input). The HVP graph takes
 * the same inputs plus {@link #PROBE} (shaped like the input) and returns {@link #HVP} = H·v per
 * sample, the derivative of ⟨grad, v⟩.
 *
 * @param gradient the gradient graph
 * @param hvp the Hessian-vector-product graph
 * @param input name of the model input
 * @param output name of the model output
 */
public record DifferentiatedModel(OnnxMl.ModelProto gradient, OnnxMl.ModelProto hvp, String input, String output) {
  /** int64 label input of classifier graphs, shape [B]. */
  public static final String LABEL = "lcnn_label";
  /** Cotangent input of VJP graphs, shaped like the model output. */
  public static final String COTANGENT = "lcnn_cotangent";
  /** Per-sample loss output, shape [B]. */
  public static final String LOSS = "lcnn_loss";
  /** Input-gradient output, shaped like the input. */
  public static final String GRAD = "lcnn_grad";
  /** Direction input of the HVP graph, shaped like the input. */
  public static final String PROBE = "lcnn_v";
  /** Hessian-vector-product output, shaped like the input. */
  public static final String HVP = "lcnn_hvp";
}
