package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The audited model: identity, interface and how the auditor differentiated it.
 *
 * @param path the .onnx file as given
 * @param sha256 hex digest of the file's bytes
 * @param opset the default-domain opset the model declares
 * @param irVersion ONNX IR version
 * @param producer producer name and version from the file
 * @param inputName name of the image input
 * @param inputShape input shape; dynamic axes as their symbolic name or -1
 * @param inputRange valid input range [lo, hi] used for attacks (metadata or setting)
 * @param outputName name of the classifier output
 * @param outputKind {@code "logits"} or {@code "probabilities"}
 * @param numClasses size of the output's class axis
 * @param executionProvider ONNX Runtime provider that ran the audit ({@code "CPU"} or {@code "CUDA"})
 * @param gradientMode {@code "exact"} (differentiated graph) or {@code "finite-difference"}
 * @param hvpMode {@code "exact"} (twice-differentiated graph) or {@code "finite-difference"}
 * @param fallbackReasons why a finite-difference mode was used; empty when exact
 * @param opHistogram count of nodes per op type
 * @param parameterCount number of scalar weights in initializers
 * @param metadata the model's metadata_props (e.g. the exporter's training record)
 * @param adaptations how the audited graph differs from the file while computing the same
 *     function: which output was audited among several or behind a ZipMap, a fixed batch axis made
 *     dynamic (or kept); null when the file was audited as it is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelInfo(
    String path,
    String sha256,
    long opset,
    long irVersion,
    String producer,
    String inputName,
    List<Object> inputShape,
    double[] inputRange,
    String outputName,
    String outputKind,
    int numClasses,
    String executionProvider,
    String gradientMode,
    String hvpMode,
    List<String> fallbackReasons,
    Map<String, Integer> opHistogram,
    long parameterCount,
    Map<String, String> metadata,
    List<String> adaptations) {
  /** A record without adaptations (the file audited as it is). */
  public ModelInfo(String path, String sha256, long opset, long irVersion, String producer, String inputName,
      List<Object> inputShape, double[] inputRange, String outputName, String outputKind, int numClasses,
      String executionProvider, String gradientMode, String hvpMode, List<String> fallbackReasons,
      Map<String, Integer> opHistogram, long parameterCount, Map<String, String> metadata) {
    this(path, sha256, opset, irVersion, producer, inputName, inputShape, inputRange, outputName, outputKind, numClasses,
        executionProvider, gradientMode, hvpMode, fallbackReasons, opHistogram, parameterCount, metadata, null);
  }
}
