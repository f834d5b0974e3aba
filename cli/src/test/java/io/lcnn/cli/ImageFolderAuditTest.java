package io.lcnn.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.InputNormalization;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --inputs DIR} of PNG files with {@code --mean/--std} prepended to a model that expects
 * normalized inputs gives the same audit as the equivalent .npy pixels (value/255, written here
 * from the same bytes) fed to the same weights exported by PyTorch with the normalization inside
 * the graph ({@code fixtures/image-inputs}, from tools/zoo/make_zoo.py --preprocessing).
 */
class ImageFolderAuditTest {
  private static final Path PAIR = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("image-inputs");
  private static final String MEAN = "0.485,0.456,0.406";
  private static final String STD = "0.229,0.224,0.225";

  @TempDir Path tmp;

  @Test
  void pngFolderWithMeanStdAuditsLikeNpyPixelsThroughTheNormalizingGraph() throws IOException {
    int n = 6;
    int h = 32;
    int w = 32;
    SplittableRandom rng = new SplittableRandom(7);
    float[] pixels = new float[n * 3 * h * w];
    int[] labels = new int[n];
    Path dir = tmp.resolve("images");
    for (int i = 0; i < n; i++) {
      int label = i * 3 / n; // classes in index order, as the folder lists them
      labels[i] = label;
      byte[] rgb = new byte[h * w * 3];
      for (int j = 0; j < rgb.length; j++) {
        int v = rng.nextInt(256);
        rgb[j] = (byte) v;
        int c = j % 3;
        int yx = j / 3;
        pixels[i * 3 * h * w + c * h * w + yx] = v / 255f;
      }
      Path cls = dir.resolve("class" + label);
      Files.createDirectories(cls);
      writePng(cls.resolve(String.format("img%02d.png", i)), rgb, h, w);
    }
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    Npy.write(x, new FloatTensor(new long[] {n, 3, h, w}, pixels));
    Npy.writeLabels(y, labels);

    String[] common = {"--gradients", "exact", "--self-check-samples", "0", "--pgd-eps", "0.05,0.2", "--pgd-steps", "5",
        "--pgd-restarts", "1", "--stability-radii", "0.01"};
    CliRun fromImages = CliRun.of(concat(new String[] {"audit", "--model", PAIR.resolve("raw.onnx").toString(),
        "--inputs", dir.toString(), "--mean", MEAN, "--std", STD, "--out", tmp.resolve("a").toString()}, common));
    assertEquals(0, fromImages.exitCode(), fromImages.err());
    CliRun fromNpy = CliRun.of(concat(new String[] {"audit", "--model", PAIR.resolve("normalized.onnx").toString(),
        "--inputs", x.toString(), "--labels", y.toString(), "--out", tmp.resolve("b").toString()}, common));
    assertEquals(0, fromNpy.exitCode(), fromNpy.err());

    AuditResult a = AuditJson.read(tmp.resolve("a").resolve("audit.json"));
    AuditResult b = AuditJson.read(tmp.resolve("b").resolve("audit.json"));
    List<SampleGeometry> sa = a.splits().get("test").samples();
    List<SampleGeometry> sb = b.splits().get("test").samples();
    assertEquals(n, sa.size());
    for (int i = 0; i < n; i++) {
      SampleGeometry p = sa.get(i);
      SampleGeometry q = sb.get(i);
      assertEquals(q.label(), p.label(), "label " + i);
      assertEquals(q.prediction(), p.prediction(), "prediction " + i);
      assertEquals(q.loss(), p.loss(), 1e-5 * Math.max(1, q.loss()), "loss " + i);
      assertEquals(q.gradNorm(), p.gradNorm(), 1e-4 * q.gradNorm(), "gradient norm " + i);
      assertEquals(q.hessianSpectralNorm(), p.hessianSpectralNorm(), 1e-3 * q.hessianSpectralNorm(), "Hessian norm " + i);
      assertEquals(q.curvature(), p.curvature(), 1e-3 * q.curvature(), "curvature " + i);
    }
    assertEquals(b.attacks().cleanAccuracy(), a.attacks().cleanAccuracy());
    for (Map.Entry<String, Double> e : b.attacks().worstCaseAccuracy().entrySet()) {
      assertEquals(e.getValue(), a.attacks().worstCaseAccuracy().get(e.getKey()), "robust accuracy at eps " + e.getKey());
    }
    Map<String, String> md = a.model().metadata();
    assertTrue(md.get(InputNormalization.UNITS_KEY).startsWith("pixels in [0, 1]"), md.toString());
    assertTrue(md.get(InputNormalization.PREPROCESSING_KEY).contains("0.229"), md.toString());
    assertEquals(List.of(0.0, 1.0), List.of(a.model().inputRange()[0], a.model().inputRange()[1]));
  }

  private static void writePng(Path file, byte[] rgb, int h, int w) {
    Mat m = new Mat(h, w, CV_8UC3);
    m.data().put(rgb);
    Mat bgr = new Mat();
    cvtColor(m, bgr, COLOR_RGB2BGR);
    assertTrue(imwrite(file.toString(), bgr), "writing " + file);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
