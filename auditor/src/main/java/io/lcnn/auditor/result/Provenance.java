package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where and with what an audit ran, so that a result can be traced and reproduced.
 *
 * @param tool tool name and version, e.g. {@code "lcnn 0.1.0"}
 * @param onnxRuntime ONNX Runtime version
 * @param java Java runtime version and vendor
 * @param os operating system name, version and architecture
 * @param engine how the work was spread
 * @param modelSha256 hex sha256 of the model file's bytes
 * @param inputSha256 hex sha256 of every input file (inputs, labels, noise, probe), keyed by the
 *     file as given; datasets read from a folder record each file they read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(
    String tool,
    String onnxRuntime,
    String java,
    String os,
    Engine engine,
    String modelSha256,
    Map<String, String> inputSha256) {

  /**
   * The execution engine.
   *
   * @param kind {@code "local"} (worker threads in one JVM) or {@code "spark"}
   * @param workers parallel workers (local) or executors (Spark)
   * @param threadsPerWorker ONNX Runtime intra-op threads of each worker's sessions
   * @param master the Spark master URL; null for a local audit
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Engine(String kind, int workers, int threadsPerWorker, String master) {}
}
