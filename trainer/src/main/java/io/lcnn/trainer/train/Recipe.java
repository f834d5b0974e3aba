package io.lcnn.trainer.train;

/**
 * The training recipes of the paper's Table 1. Each fixes the model build (LCNN layers or the
 * standard ones), the frozen softplus β of standard builds, and which regularizer is added to the
 * cross-entropy loss.
 */
public enum Recipe {
  /** Standard layers, softplus β=1000 as a smooth ReLU. */
  STANDARD("standard", false, 1000, Regularizer.NONE, 5e-4),
  /** LCNN layers with the β/γ penalty. */
  LCNN("lcnn", true, 0, Regularizer.NONE, 5e-4),
  /** Standard layers plus the input-gradient-norm penalty. */
  GRADREG("gradreg", false, 1000, Regularizer.GRADREG, 5e-4),
  /** LCNN layers, the β/γ penalty, and the input-gradient-norm penalty. */
  LCNN_GRADREG("lcnn-gradreg", true, 0, Regularizer.GRADREG, 5e-4),
  /** Standard layers with softplus β=10 and ten times the usual weight decay. */
  SOFTPLUS_WD("softplus-wd", false, 10, Regularizer.NONE, 5e-3),
  /** Standard layers plus CURE's finite-difference curvature penalty. */
  CURE("cure", false, 1000, Regularizer.CURE, 5e-4),
  /** Standard layers trained on l2 PGD adversarial examples. */
  ADVERSARIAL("adversarial", false, 1000, Regularizer.ADVERSARIAL, 5e-4);

  /** The extra term a recipe adds. */
  public enum Regularizer {
    /** Cross-entropy only (plus the LCNN penalty for LCNN builds). */
    NONE,
    /** λ_g · 1e5 · ‖∂(mean CE)/∂x‖²_F / B. */
    GRADREG,
    /** λ_c · mean_i ‖∇ℓ_i(x_i + h z_i) − ∇ℓ_i(x_i)‖². */
    CURE,
    /** Train on l2 PGD examples instead of clean inputs. */
    ADVERSARIAL
  }

  private final String id;
  private final boolean lcnn;
  private final double activationBeta;
  private final Regularizer regularizer;
  private final double defaultWeightDecay;

  Recipe(String id, boolean lcnn, double activationBeta, Regularizer regularizer, double defaultWeightDecay) {
    this.id = id;
    this.lcnn = lcnn;
    this.activationBeta = activationBeta;
    this.regularizer = regularizer;
    this.defaultWeightDecay = defaultWeightDecay;
  }

  /** The command-line name. */
  public String id() {
    return id;
  }

  /** Whether the model uses the LCNN layers (and the β/γ penalty). */
  public boolean lcnn() {
    return lcnn;
  }

  /** The frozen softplus β of a standard build (0 for LCNN builds, whose β is learned). */
  public double activationBeta() {
    return activationBeta;
  }

  /** The regularizer. */
  public Regularizer regularizer() {
    return regularizer;
  }

  /** The paper's weight decay for this recipe. */
  public double defaultWeightDecay() {
    return defaultWeightDecay;
  }

  /** The recipe named {@code id}. */
  public static Recipe parse(String id) {
    for (Recipe r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Recipe r : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(r.id);
    }
    throw new IllegalArgumentException("unknown recipe '" + id + "' (one of " + sb + ")");
  }
}
