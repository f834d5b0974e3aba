package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Averages [N, C, H, W] over H and W, giving [N, C, 1, 1] (ONNX GlobalAveragePool). */
public final class GlobalAvgPool extends AbstractBlock {
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    ai.djl.ndarray.NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    return new NDList(x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}).reshape(s.get(0), s.get(1), 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), 1, 1)};
  }
}
