package io.lcnn.trainer.model;

/** The network architectures the trainer builds. */
public enum ModelFamily {
  /** Three 3×3 conv layers (stride 1, 2, 2) with batch norm, flatten, one FC layer; for 28×28 inputs. */
  SMALL_CNN("small-cnn"),
  /** The paper's ResNet-18: 3×3 stride-1 stem, no max-pool, stages 64/128/256/512 × width. */
  RESNET18("resnet18");

  private final String id;

  ModelFamily(String id) {
    this.id = id;
  }

  /** The name used on the command line and in checkpoints. */
  public String id() {
    return id;
  }

  /** The family named {@code id}. */
  public static ModelFamily parse(String id) {
    for (ModelFamily f : values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown model family '" + id + "' (small-cnn or resnet18)");
  }
}
