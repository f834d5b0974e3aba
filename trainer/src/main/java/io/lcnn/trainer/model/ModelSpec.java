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

  /** Every channel count is a multiple of this. */
  public static final int CHANNEL_MULTIPLE = 8;

  /**
   * Channel count scaled by the width multiplier and rounded up to a multiple of
   * {@value #CHANNEL_MULTIPLE}: libtorch 2.7.1's CPU backward of a stride-1 convolution whose output
   * channels are not a multiple of 8 reads uninitialized memory into the input gradient (random NaN;
   * docs/training.md).
   */
  public int scaled(int base) {
    int c = Math.max(1, (int) Math.round(base * width));
    return (c + CHANNEL_MULTIPLE - 1) / CHANNEL_MULTIPLE * CHANNEL_MULTIPLE;
  }

  /** The input shape without the batch axis. */
  public long[] inputShape() {
    return new long[] {channels, height, widthPixels};
  }
}
