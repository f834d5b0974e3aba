package io.lcnn.reports.html;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Gallery images decode back to the pixel values they were made from. */
class PngImagesTest {

  @Test
  void layoutsOfImageShapes() {
    assertEquals(new ImageLayout(3, 32, 32, true), ImageLayout.of(new long[] {3, 32, 32}));
    assertEquals(new ImageLayout(3, 32, 32, false), ImageLayout.of(new long[] {32, 32, 3}));
    assertEquals(new ImageLayout(1, 28, 28, true), ImageLayout.of(new long[] {784}));
    assertNull(ImageLayout.of(new long[] {10}));
    assertEquals(2 * 4 * 5 + 3 * 5 + 1, new ImageLayout(3, 4, 5, true).offset(2, 3, 1));
    assertEquals((3 * 5 + 1) * 3 + 2, new ImageLayout(3, 4, 5, false).offset(2, 3, 1));
  }

  @Test
  void greyImageMapsTheInputRangeOntoBytes() {
    float[] v = {0f, 0.5f, 1f, -1f, 2f, 0.25f};
    Mat m = decode(PngImages.image(v, 0, new ImageLayout(1, 2, 3, true), 0, 1));
    int s = m.rows() / 2;
    assertEquals(1, m.channels());
    assertEquals(3 * s, m.cols(), "nearest-neighbour enlargement keeps the aspect ratio");
    UByteIndexer px = m.createIndexer();
    int[] expected = {0, 128, 255, 0, 255, 64};
    for (int i = 0; i < 6; i++) {
      int y = i / 3;
      int x = i % 3;
      assertEquals(expected[i], px.get(y * s + s / 2, x * s + s / 2, 0), "pixel " + i);
    }
  }

  @Test
  void rgbImageKeepsChannelOrder() {
    float[] chw = {1f, 0f, 0f, 1f, 0f, 0f};
    Mat m = decode(PngImages.image(chw, 0, new ImageLayout(3, 1, 2, true), 0, 1));
    UByteIndexer px = m.createIndexer();
    int s = m.rows();
    assertEquals(3, m.channels());
    assertEquals(255, px.get(s / 2, s / 2, 2), "red of pixel 0 (OpenCV stores BGR)");
    assertEquals(0, px.get(s / 2, s / 2, 1), "green of pixel 0");
    assertEquals(0, px.get(s / 2, s / 2, 0), "blue of pixel 0");
    assertEquals(255, px.get(s / 2, s + s / 2, 1), "green of pixel 1");
  }

  @Test
  void perturbationIsCentredOnMidGreyAndSaliencyPeaksWhereTheGradientDoes() {
    float[] clean = {0.5f, 0.5f, 0.5f, 0.5f};
    float[] adv = {0.5f, 0.6f, 0.4f, 0.55f};
    PngImages.Perturbation p = PngImages.perturbation(clean, adv, 0, new ImageLayout(1, 2, 2, true), 0, 1);
    assertEquals(0.5 / 0.1, p.amplification(), 1e-5);
    Mat m = decode(p.uri());
    UByteIndexer px = m.createIndexer();
    int s = m.rows() / 2;
    assertEquals(128, px.get(s / 2, s / 2, 0));
    assertEquals(255, px.get(s / 2, s + s / 2, 0));
    assertEquals(1, px.get(s + s / 2, s / 2, 0));
    assertEquals(192, px.get(s + s / 2, s + s / 2, 0), 1);

    float[] grad = {0f, -3f, 1f, 0f};
    Mat sal = decode(PngImages.saliency(grad, 0, new ImageLayout(1, 2, 2, true)));
    UByteIndexer q = sal.createIndexer();
    int t = sal.rows() / 2;
    int peak = brightness(q, t / 2, t + t / 2);
    assertTrue(peak > brightness(q, t + t / 2, t / 2), "largest |gradient| is brightest");
    assertTrue(brightness(q, t + t / 2, t / 2) > brightness(q, t / 2, t / 2), "a third of the peak is brighter than zero");
  }

  private static int brightness(UByteIndexer px, int y, int x) {
    return px.get(y, x, 0) + px.get(y, x, 1) + px.get(y, x, 2);
  }

  private static Mat decode(String uri) {
    assertTrue(uri.startsWith("data:image/png;base64,"));
    byte[] png = Base64.getDecoder().decode(uri.substring("data:image/png;base64,".length()));
    return imdecode(new Mat(new BytePointer(png)), IMREAD_UNCHANGED);
  }
}
