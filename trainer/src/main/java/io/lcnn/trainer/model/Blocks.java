package io.lcnn.trainer.model;

import ai.djl.nn.Block;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.LipschitzBatchNorm;
import io.lcnn.trainer.layers.StatefulLayer;
import java.util.ArrayList;
import java.util.List;

/** Walks a block tree (depth first, in forward order) to find layers of a given kind. */
public final class Blocks {
  private Blocks() {}

  /** Every block in the tree, the root first, children in order. */
  public static List<Block> all(Block root) {
    List<Block> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(Block b, List<Block> out) {
    out.add(b);
    for (Block c : b.getChildren().values()) {
      collect(c, out);
    }
  }

  /** Blocks of type {@code type}, in forward order. */
  public static <T> List<T> ofType(Block root, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Block b : all(root)) {
      if (type.isInstance(b)) {
        out.add(type.cast(b));
      }
    }
    return out;
  }

  /** Turns running-state updates of every stateful layer on or off. */
  public static void setStateUpdates(Block root, boolean enabled) {
    for (StatefulLayer l : ofType(root, StatefulLayer.class)) {
      l.setStateUpdates(enabled);
    }
  }

  /** The learnable β of every centered softplus, in forward order. */
  public static double[] learnableBetas(Block root) {
    return ofType(root, CenteredSoftplus.class).stream()
        .filter(CenteredSoftplus::learnable).mapToDouble(CenteredSoftplus::beta).toArray();
  }

  /** γ of every Lipschitz batch norm, in forward order. */
  public static double[] gammas(Block root) {
    return ofType(root, LipschitzBatchNorm.class).stream().mapToDouble(LipschitzBatchNorm::gamma).toArray();
  }
}
