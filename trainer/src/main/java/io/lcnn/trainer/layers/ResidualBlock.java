package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * y = act(main(x) + shortcut(x)) on [N, C, H, W]; an empty shortcut is the identity. The three
 * parts are child blocks named "main", "shortcut" and "act".
 */
public final class ResidualBlock extends AbstractBlock {
  private final SequentialBlock main;
  private final SequentialBlock shortcut;
  private final Block activation;

  /** A residual block from its main path, shortcut path (empty for identity) and activation. */
  public ResidualBlock(SequentialBlock main, SequentialBlock shortcut, Block activation) {
    this.main = addChildBlock("main", main);
    this.shortcut = addChildBlock("shortcut", shortcut);
    this.activation = addChildBlock("act", activation);
  }

  /** The main path. */
  public SequentialBlock mainPath() {
    return main;
  }

  /** The shortcut path (no children means identity). */
  public SequentialBlock shortcutPath() {
    return shortcut;
  }

  /** The activation applied after the sum. */
  public Block activation() {
    return activation;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    main.initialize(manager, dataType, inputShapes);
    shortcut.initialize(manager, dataType, inputShapes);
    activation.initialize(manager, dataType, main.getOutputShapes(inputShapes));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList m = main.forward(ps, inputs, training);
    NDList s = shortcut.getChildren().isEmpty() ? inputs : shortcut.forward(ps, inputs, training);
    return activation.forward(ps, new NDList(m.singletonOrThrow().add(s.singletonOrThrow())), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return main.getOutputShapes(inputShapes);
  }
}
