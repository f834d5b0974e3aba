package io.lcnn.trainer.model;

/**
 * Everything needed to rebuild a network: family; LCNN build (spectrally normalized convolutions,
 * Lipschitz batch norm, learnable centered softplus) or standard build (plain convolutions,
 * affine batch norm, centered softplus frozen at {@code activationBeta}); width multiplier (ResNet)
 * or base channel count (small CNN, {@code width} × 32 and × 64 channels); input shape [C, H, W];
 * number of classes. Every variant's last FC layer is spectrally normalized.
 */
public record ModelSpec(
    ModelFamily family, boolean lcnn, double activationBeta, double width,
    int channels, int height, int widthPixels, int numClasses) {

  /** Channel count scaled by the width multiplier (at least 1). */
  public int scaled(int base) {
    return Math.max(1, (int) Math.round(base * width));
  }

  /** The input shape without the batch axis. */
  public long[] inputShape() {
    return new long[] {channels, height, widthPixels};
  }
}
