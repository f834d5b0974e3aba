package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Reshapes [N, ...] to [N, product of the rest] (row-major, as ONNX Flatten with axis 1). */
public final class Flatten extends AbstractBlock {
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(inputs.singletonOrThrow().reshape(inputs.singletonOrThrow().getShape().get(0), -1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.size() / s.get(0))};
  }
}
