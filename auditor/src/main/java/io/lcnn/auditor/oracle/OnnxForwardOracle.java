package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * The loss oracle of the unmodified model: outputs from a {@link ModelFunction} (ONNX Runtime
 * for a real model), per-sample loss computed in Java in double precision by a
 * {@link ClassificationLoss}.
 */
public final class OnnxForwardOracle implements LossOracle {
  private final ModelFunction model;
  private final ClassificationLoss loss;

  /** Evaluates {@code loss} on the outputs of {@code model}. */
  public OnnxForwardOracle(ModelFunction model, ClassificationLoss loss) {
    this.model = model;
    this.loss = loss;
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    FloatTensor out = model.outputs(x);
    return new ForwardResult(loss.lossesAsFloats(out, labels), out);
  }

  /** Per-sample losses in double precision, with the outputs they came from. */
  public double[] lossesDouble(FloatTensor x, int[] labels) {
    return loss.losses(model.outputs(x), labels);
  }
}
