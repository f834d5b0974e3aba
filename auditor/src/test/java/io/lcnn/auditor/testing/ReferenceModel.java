package io.lcnn.auditor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** One PyTorch-built reference model of {@code fixtures/torch-reference} and its float64 references. */
public record ReferenceModel(String name, Path dir) {
  /** The four reference models. */
  public static final List<String> NAMES =
      List.of("mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized");

  /** The fixtures folder given to tests by Surefire. */
  public static Path fixtures() {
    return Path.of(System.getProperty("lcnn.fixtures", "fixtures"));
  }

  /** The reference model called {@code name}. */
  public static ReferenceModel named(String name) {
    return new ReferenceModel(name, fixtures().resolve("torch-reference").resolve(name));
  }

  public Path modelPath() {
    return dir.resolve("model.onnx");
  }

  public OnnxModelFile model() {
    return OnnxModelFile.load(modelPath());
  }

  public FloatTensor array(String file) {
    return Npy.readFloats(dir.resolve(file));
  }

  public int[] labels(String file) {
    return Npy.readLabels(dir.resolve(file));
  }

  public JsonNode reference() {
    try {
      return new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A per-sample list of reference.json, e.g. {@code ("test", "grad_norm")}. */
  public double[] values(String split, String field) {
    JsonNode n = reference().get(split).get(field);
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  /** Relative l2 error ‖a_i − b_i‖/‖b_i‖ of sample i. */
  public static double relativeError(FloatTensor a, FloatTensor b, int i) {
    int d = a.sampleSize();
    double num = 0;
    double den = 0;
    for (int j = 0; j < d; j++) {
      double diff = a.data()[i * d + j] - b.data()[i * d + j];
      num += diff * diff;
      den += (double) b.data()[i * d + j] * b.data()[i * d + j];
    }
    return Math.sqrt(num / den);
  }
}
