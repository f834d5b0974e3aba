package io.lcnn.auditor.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.LabeledData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PNG folders: pixel values, channel order and layout, center crop, area resize, CSV labels, errors. */
class ImageFolderTest {
  @TempDir Path tmp;

  /** Writes an h×w PNG whose pixel (y, x) has BGR bytes f(y, x, c) for c = B, G, R (OpenCV's order). */
  private static void png(Path file, int h, int w, int channels, PixelValue f) throws IOException {
    Files.createDirectories(file.getParent());
    Mat m = new Mat(h, w, channels == 3 ? CV_8UC3 : CV_8UC1);
    byte[] px = new byte[h * w * channels];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < channels; c++) {
          px[(y * w + x) * channels + c] = (byte) f.at(y, x, c);
        }
      }
    }
    m.data().put(px);
    assertTrue(imwrite(file.toString(), m));
  }

  interface PixelValue {
    int at(int y, int x, int c);
  }

  @Test
  void classSubfoldersGiveSortedLabelsAndRgbChwPixelsOverTwoFiftyFive() throws IOException {
    png(tmp.resolve("b_cat/1.png"), 4, 5, 3, (y, x, c) -> 10 * y + x + 100 * c);
    png(tmp.resolve("a_dog/1.png"), 4, 5, 3, (y, x, c) -> 7);
    LabeledData d = ImageFolder.read(tmp, null, new long[] {3, 4, 5}, ImageFolder.Geometry.none());
    assertArrayEquals(new int[] {0, 1}, d.labels());
    assertArrayEquals(new long[] {2, 3, 4, 5}, d.inputs().shape());
    float[] v = d.inputs().data();
    int s = 60;
    assertEquals(7 / 255f, v[0]);
    // sample 1 (b_cat), channel 0 = R = BGR index 2: 10y + x + 200 at (y=2, x=3)
    assertEquals((10 * 2 + 3 + 200) / 255f, v[s + 2 * 5 + 3]);
    // channel 2 = B = BGR index 0
    assertEquals((10 * 2 + 3) / 255f, v[s + 2 * 20 + 2 * 5 + 3]);
  }

  @Test
  void channelsLastModelsGetHwcPixels() throws IOException {
    png(tmp.resolve("c/1.png"), 2, 2, 3, (y, x, c) -> 50 * c + y);
    LabeledData d = ImageFolder.read(tmp, null, new long[] {2, 2, 3}, ImageFolder.Geometry.none());
    // (y=1, x=0): R G B = BGR index 2, 1, 0
    assertArrayEquals(new float[] {101 / 255f, 51 / 255f, 1 / 255f}, java.util.Arrays.copyOfRange(d.inputs().data(), 6, 9));
  }

  @Test
  void centerCropKeepsTheCentralWindow() throws IOException {
    png(tmp.resolve("c/1.png"), 6, 9, 1, (y, x, c) -> 10 * y + x);
    LabeledData d = ImageFolder.read(tmp, null, new long[] {1, 4, 4}, new ImageFolder.Geometry(null, new int[] {4, 4}));
    // rows 1..4, columns 2..5 (offsets (6-4)/2 = 1 and (9-4)/2 = 2)
    assertEquals(12 / 255f, d.inputs().data()[0]);
    assertEquals(45 / 255f, d.inputs().data()[15]);
  }

  @Test
  void shrinkingByTwoAveragesTwoByTwoBlocksAndKeepsAspectForOneNumber() throws IOException {
    png(tmp.resolve("c/1.png"), 4, 8, 1, (y, x, c) -> 40 * (y / 2) + 4 * (x % 2) + 8 * (x / 2));
    LabeledData d = ImageFolder.read(tmp, null, new long[] {1, 2, 4}, new ImageFolder.Geometry(new int[] {2}, null));
    float[] v = d.inputs().data();
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals((40 * y + 2 + 8 * x) / 255f, v[y * 4 + x], 1e-7, "pixel " + y + "," + x);
      }
    }
  }

  @Test
  void csvLabelsNameFilesInTheFolder() throws IOException {
    png(tmp.resolve("x.png"), 2, 2, 1, (y, x, c) -> 1);
    png(tmp.resolve("y.png"), 2, 2, 1, (y, x, c) -> 2);
    Path csv = tmp.resolve("labels.csv");
    Files.writeString(csv, "file,label\ny.png,4\nx.png,9\n");
    LabeledData d = ImageFolder.read(tmp, csv, new long[] {1, 2, 2}, ImageFolder.Geometry.none());
    assertArrayEquals(new int[] {4, 9}, d.labels());
    assertEquals(2 / 255f, d.inputs().data()[0]);
  }

  @Test
  void wrongSizeFlatFolderAndEscapingCsvPathAreOneLineErrorsNamingTheFile() throws IOException {
    png(tmp.resolve("c/1.png"), 3, 3, 3, (y, x, c) -> 0);
    DatasetException size = assertThrows(DatasetException.class,
        () -> ImageFolder.read(tmp, null, new long[] {3, 4, 4}, ImageFolder.Geometry.none()));
    assertTrue(size.getMessage().contains("1.png") && size.getMessage().contains("4x4"), size.getMessage());
    Path flat = tmp.resolve("flat");
    png(flat.resolve("a.png"), 3, 3, 3, (y, x, c) -> 0);
    DatasetException noClasses = assertThrows(DatasetException.class,
        () -> ImageFolder.read(flat, null, new long[] {3, 3, 3}, ImageFolder.Geometry.none()));
    assertTrue(noClasses.getMessage().contains("--labels"), noClasses.getMessage());
    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "../c/1.png,0\n");
    DatasetException escape = assertThrows(DatasetException.class,
        () -> ImageFolder.read(flat, csv, new long[] {3, 3, 3}, ImageFolder.Geometry.none()));
    assertTrue(escape.getMessage().contains("line 1"), escape.getMessage());
  }
}
