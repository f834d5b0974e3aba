package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Keeps every {@code stride}-th row and column of [N, C, H, W] (x[:, :, ::s, ::s]), giving
 * [N, C, ⌈H/s⌉, ⌈W/s⌉]. Followed by a 1×1 convolution it equals a 1×1 convolution with stride s;
 * the ResNet shortcuts are built this way because libtorch's CPU backward of a strided 1×1
 * convolution left the input gradient of the skipped pixels uninitialized (random NaN) here.
 */
public final class Subsample extends AbstractBlock {
  private final int stride;

  /** Subsampling by {@code stride} in both spatial directions. */
  public Subsample(int stride) {
    this.stride = stride;
  }

  /** The step in both directions. */
  public int stride() {
    return stride;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(inputs.singletonOrThrow().get(new NDIndex(":, :, ::{}, ::{}", stride, stride)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), (s.get(2) + stride - 1) / stride, (s.get(3) + stride - 1) / stride)};
  }
}
