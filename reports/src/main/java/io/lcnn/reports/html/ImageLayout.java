package io.lcnn.reports.html;

/**
 * How one sample's values map to an image: channels (1 grey or 3 RGB), height, width, and
 * whether channels come first (CHW) or last (HWC).
 *
 * @param channels 1 or 3
 * @param height rows
 * @param width columns
 * @param channelsFirst CHW when true, HWC when false
 */
public record ImageLayout(int channels, int height, int width, boolean channelsFirst) {

  /**
   * The layout of a sample shape ([C,H,W], [H,W,C], [H,W] or a flat square [H·H]), or null when
   * the shape is not an image.
   */
  public static ImageLayout of(long[] sampleShape) {
    if (sampleShape.length == 3 && (sampleShape[0] == 1 || sampleShape[0] == 3) && sampleShape[1] > 1 && sampleShape[2] > 1) {
      return new ImageLayout((int) sampleShape[0], (int) sampleShape[1], (int) sampleShape[2], true);
    }
    if (sampleShape.length == 3 && (sampleShape[2] == 1 || sampleShape[2] == 3) && sampleShape[0] > 1) {
      return new ImageLayout((int) sampleShape[2], (int) sampleShape[0], (int) sampleShape[1], false);
    }
    if (sampleShape.length == 2 && sampleShape[0] > 1 && sampleShape[1] > 1) {
      return new ImageLayout(1, (int) sampleShape[0], (int) sampleShape[1], true);
    }
    if (sampleShape.length == 1) {
      int side = (int) Math.round(Math.sqrt(sampleShape[0]));
      if (side > 1 && (long) side * side == sampleShape[0]) {
        return new ImageLayout(1, side, side, true);
      }
    }
    return null;
  }

  /** Offset of pixel (channel c, row y, column x) in the sample's flat values. */
  public int offset(int c, int y, int x) {
    return channelsFirst ? (c * height + y) * width + x : (y * width + x) * channels + c;
  }

  /** Number of values per sample. */
  public int size() {
    return channels * height * width;
  }
}
