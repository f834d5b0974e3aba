package io.lcnn.reports.html;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLORMAP_INFERNO;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.applyColorMap;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Base64;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns one sample's float values into PNG data URIs with OpenCV: the image itself, an amplified
 * perturbation (mid grey = no change) and a saliency colour map (inferno) of the gradient's
 * magnitude. Images are enlarged with nearest-neighbour interpolation so pixels stay visible.
 */
public final class PngImages {
  private static final int TARGET_HEIGHT = 112;

  private PngImages() {}

  /**
   * The sample as an image, values mapped linearly from [lo, hi] to [0, 255] (clipped).
   *
   * @param v the sample's values, {@code layout.size()} of them from {@code offset}
   */
  public static String image(float[] v, int offset, ImageLayout layout, double lo, double hi) {
    byte[] px = new byte[layout.size()];
    double scale = hi > lo ? 255.0 / (hi - lo) : 255.0;
    fill(px, layout, (c, y, x) -> (v[offset + layout.offset(c, y, x)] - lo) * scale);
    return encode(px, layout, false);
  }

  /**
   * The perturbation {@code adv − clean}, amplified so its largest |component| reaches the ends
   * of the grey scale: 128 + 127·δ/max|δ|.
   *
   * @return the data URI and the amplification relative to the input range
   */
  public static Perturbation perturbation(float[] clean, float[] adv, int offset, ImageLayout layout, double lo, double hi) {
    double m = 0;
    for (int i = 0; i < layout.size(); i++) {
      m = Math.max(m, Math.abs(adv[offset + i] - clean[offset + i]));
    }
    double k = m > 0 ? 127.0 / m : 0;
    byte[] px = new byte[layout.size()];
    fill(px, layout, (c, y, x) -> 128 + k * (adv[offset + layout.offset(c, y, x)] - clean[offset + layout.offset(c, y, x)]));
    double factor = m > 0 ? 0.5 * (hi - lo) / m : 0;
    return new Perturbation(encode(px, layout, false), factor);
  }

  /**
   * An amplified perturbation image.
   *
   * @param uri PNG data URI
   * @param amplification how much the perturbation was magnified relative to the input range:
   *     a component of size (hi − lo)/(2·amplification) reaches black or white
   */
  public record Perturbation(String uri, double amplification) {}

  /**
   * Saliency: per pixel the largest |gradient| over channels, divided by its maximum over the
   * image, through OpenCV's inferno colour map (black = no influence, yellow = most).
   */
  public static String saliency(float[] grad, int offset, ImageLayout layout) {
    int hw = layout.height() * layout.width();
    double[] s = new double[hw];
    double m = 0;
    for (int y = 0; y < layout.height(); y++) {
      for (int x = 0; x < layout.width(); x++) {
        double best = 0;
        for (int c = 0; c < layout.channels(); c++) {
          best = Math.max(best, Math.abs(grad[offset + layout.offset(c, y, x)]));
        }
        s[y * layout.width() + x] = best;
        m = Math.max(m, best);
      }
    }
    byte[] px = new byte[hw];
    for (int i = 0; i < hw; i++) {
      px[i] = (byte) clip(m > 0 ? 255 * s[i] / m : 0);
    }
    return encode(px, new ImageLayout(1, layout.height(), layout.width(), true), true);
  }

  private interface PixelValue {
    double at(int c, int y, int x);
  }

  /** Fills interleaved (HWC) bytes from a per-pixel value. */
  private static void fill(byte[] px, ImageLayout l, PixelValue f) {
    for (int y = 0; y < l.height(); y++) {
      for (int x = 0; x < l.width(); x++) {
        for (int c = 0; c < l.channels(); c++) {
          px[(y * l.width() + x) * l.channels() + c] = (byte) clip(f.at(c, y, x));
        }
      }
    }
  }

  private static int clip(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static String encode(byte[] interleaved, ImageLayout l, boolean colorMap) {
    int scale = Math.max(1, TARGET_HEIGHT / l.height());
    try (Mat src = new Mat(l.height(), l.width(), l.channels() == 3 ? CV_8UC3 : CV_8UC1);
        Mat big = new Mat();
        Mat out = new Mat();
        BytePointer png = new BytePointer()) {
      src.data().put(interleaved);
      resize(src, big, new Size(l.width() * scale, l.height() * scale), 0, 0, INTER_NEAREST);
      if (colorMap) {
        applyColorMap(big, out, COLORMAP_INFERNO);
      } else if (l.channels() == 3) {
        cvtColor(big, out, COLOR_RGB2BGR);
      } else {
        big.copyTo(out);
      }
      if (!imencode(".png", out, png)) {
        throw new IllegalStateException("OpenCV could not encode a PNG");
      }
      byte[] bytes = new byte[(int) png.limit()];
      png.get(bytes);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    }
  }
}
