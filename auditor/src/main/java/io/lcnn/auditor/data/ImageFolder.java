package io.lcnn.auditor.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Reads a folder of PNG/JPEG images (OpenCV) as one labelled split of float pixels in [0, 1]
 * (8-bit value / 255), shaped for the model: [N, C, H, W] or [N, H, W, C] with C = 3 (RGB order)
 * or 1 (grey). Labels come either from class subfolders, ImageFolder-style (subfolder names sorted,
 * the i-th is class i), or from a CSV file of {@code file,label} lines (file relative to the
 * folder, label a class index; a header line is allowed). Images are optionally resized and then
 * center-cropped; after that they must have the model's height and width. Errors are one line
 * naming the file.
 */
public final class ImageFolder {
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  /**
   * Resizing and cropping before the pixels reach the model.
   *
   * @param resize null, {@code {n}}: the shorter side becomes n (aspect ratio kept), or
   *     {@code {h, w}}: exactly h × w. Shrinking averages pixel areas (OpenCV INTER_AREA),
   *     enlarging interpolates bilinearly (INTER_LINEAR).
   * @param centerCrop null or {@code {h, w}}: the central h × w window (offsets rounded down)
   */
  public record Geometry(int[] resize, int[] centerCrop) {
    /** No resizing or cropping. */
    public static Geometry none() {
      return new Geometry(null, null);
    }

    /** Parses {@code N} (one number) or {@code HxW}; {@code flag} names the option in errors. */
    public static int[] parseSize(String flag, String spec, boolean singleMeansSquare) {
      if (spec == null) {
        return null;
      }
      String[] p = spec.trim().toLowerCase(Locale.ROOT).split("x");
      try {
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) {
          v[i] = Integer.parseInt(p[i].trim());
          if (v[i] < 1) {
            throw new NumberFormatException();
          }
        }
        if (v.length == 1) {
          return singleMeansSquare ? new int[] {v[0], v[0]} : v;
        }
        if (v.length == 2) {
          return v;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new IllegalArgumentException(flag + " must be N or HxW with positive integers, not '" + spec + "'");
    }
  }

  private ImageFolder() {}

  /**
   * True when {@code path} is a folder holding PNG/JPEG images, directly or in class subfolders
   * (so {@code --inputs} names images, not an array file); any other folder is left to the array
   * readers, which name it as a folder.
   */
  public static boolean isImageFolder(Path path) {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(path, 2)) {
      return s.anyMatch(ImageFolder::isImage);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Reads every image of {@code dir} (subfolders = classes) or the images {@code labelsCsv} lists.
   *
   * @param sampleShape the model's input shape without the batch axis: [C, H, W] or [H, W, C]
   */
  public static LabeledData read(Path dir, Path labelsCsv, long[] sampleShape, Geometry geometry) {
    Layout layout = Layout.of(dir, sampleShape);
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    if (labelsCsv != null) {
      readCsv(dir, labelsCsv, files, labels);
    } else {
      List<Path> classes = list(dir, Files::isDirectory);
      if (classes.isEmpty()) {
        throw new DatasetException(dir + ": no class subfolders; put each class's images in its own subfolder "
            + "or give --labels with a CSV of file,label lines");
      }
      for (int c = 0; c < classes.size(); c++) {
        for (Path f : list(classes.get(c), ImageFolder::isImage)) {
          files.add(f);
          labels.add(c);
        }
      }
    }
    if (files.isEmpty()) {
      throw new DatasetException(dir + ": no .png, .jpg or .jpeg images");
    }
    int per = layout.channels * layout.height * layout.width;
    float[] data = new float[files.size() * per];
    for (int i = 0; i < files.size(); i++) {
      layout.write(pixels(files.get(i), layout, geometry), data, i * per);
    }
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = files.size();
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return new LabeledData(new FloatTensor(shape, data), labels.stream().mapToInt(Integer::intValue).toArray(), dir.toString());
  }

  /** The file's 8-bit pixels after resizing and cropping, rows of interleaved channels (RGB or grey). */
  private static Mat pixels(Path file, Layout layout, Geometry g) {
    Mat img = imread(file.toString(), layout.channels == 3 ? IMREAD_COLOR : IMREAD_GRAYSCALE);
    if (img == null || img.empty()) {
      throw new DatasetException(file + ": not a readable PNG or JPEG image");
    }
    if (layout.channels == 3) {
      Mat rgb = new Mat();
      cvtColor(img, rgb, COLOR_BGR2RGB);
      img = rgb;
    }
    if (g.resize() != null) {
      int h = img.rows();
      int w = img.cols();
      int th;
      int tw;
      if (g.resize().length == 1) {
        int n = g.resize()[0];
        th = h <= w ? n : (int) Math.floor((double) n * h / w);
        tw = h <= w ? (int) Math.floor((double) n * w / h) : n;
      } else {
        th = g.resize()[0];
        tw = g.resize()[1];
      }
      Mat r = new Mat();
      resize(img, r, new Size(tw, th), 0, 0, th * tw < h * w ? INTER_AREA : INTER_LINEAR);
      img = r;
    }
    if (g.centerCrop() != null) {
      int ch = g.centerCrop()[0];
      int cw = g.centerCrop()[1];
      if (ch > img.rows() || cw > img.cols()) {
        throw new DatasetException(file + ": " + img.rows() + "x" + img.cols() + " image is smaller than --center-crop "
            + ch + "x" + cw);
      }
      img = new Mat(img, new Rect((img.cols() - cw) / 2, (img.rows() - ch) / 2, cw, ch)).clone();
    }
    if (img.rows() != layout.height || img.cols() != layout.width) {
      throw new DatasetException(file + ": image is " + img.rows() + "x" + img.cols() + " (HxW)"
          + (g.resize() != null || g.centerCrop() != null ? " after --resize/--center-crop" : "")
          + " but the model takes " + layout.height + "x" + layout.width + "; use --resize and --center-crop");
    }
    return img.isContinuous() ? img : img.clone();
  }

  private static void readCsv(Path dir, Path csv, List<Path> files, List<Integer> labels) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException(csv + ": cannot read (" + e.getMessage() + ")", e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] p = line.split(",");
      int label;
      try {
        if (p.length != 2) {
          throw new NumberFormatException();
        }
        label = Integer.parseInt(p[1].strip());
      } catch (NumberFormatException e) {
        if (i == 0) {
          continue; // header
        }
        throw new DatasetException(csv + " line " + (i + 1) + ": expected file,label with an integer label, got '" + line + "'");
      }
      if (label < 0) {
        throw new DatasetException(csv + " line " + (i + 1) + ": negative label " + label);
      }
      Path f = dir.resolve(p[0].strip()).normalize();
      if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
        throw new DatasetException(csv + " line " + (i + 1) + ": no image '" + p[0].strip() + "' in " + dir);
      }
      files.add(f);
      labels.add(label);
    }
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(keep).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  /** Where channels go in the model's input: first ([C, H, W]) or last ([H, W, C]). */
  private record Layout(int channels, int height, int width, boolean channelsFirst) {
    static Layout of(Path dir, long[] s) {
      if (s.length == 3 && (s[0] == 1 || s[0] == 3) && s[1] > 0 && s[2] > 0) {
        return new Layout((int) s[0], (int) s[1], (int) s[2], true);
      }
      if (s.length == 3 && (s[2] == 1 || s[2] == 3) && s[0] > 0 && s[1] > 0) {
        return new Layout((int) s[2], (int) s[0], (int) s[1], false);
      }
      throw new DatasetException(dir + ": images need a model input of shape [N, C, H, W] or [N, H, W, C] with C = 1 or 3"
          + " and fixed H, W; this model's sample shape is " + java.util.Arrays.toString(s));
    }

    void write(Mat img, float[] out, int offset) {
      int hw = height * width;
      byte[] px = new byte[hw * channels];
      img.data().get(px);
      for (int i = 0; i < hw; i++) {
        for (int c = 0; c < channels; c++) {
          float v = (px[i * channels + c] & 0xff) / 255f;
          out[offset + (channelsFirst ? c * hw + i : i * channels + c)] = v;
        }
      }
    }
  }
}
