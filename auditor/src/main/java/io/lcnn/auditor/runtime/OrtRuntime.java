package io.lcnn.auditor.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.PrintStream;

/**
 * Opens ONNX Runtime sessions on the requested device. CUDA is tried when asked for (or with
 * {@link Device#AUTO}); when it is not usable the session falls back to the CPU and one line
 * saying so goes to the notice stream. Sessions opened by one runtime share its device choice.
 */
public final class OrtRuntime {
  /**
   * Native log output is limited to fatal messages: every ONNX Runtime failure reaches the caller
   * as an exception anyway, and the CUDA probe would otherwise print a multi-line native error
   * before the one-line notice.
   */
  private final OrtEnvironment env = quietEnvironment();
  private final Device requested;
  private final int threads;
  private final PrintStream notices;
  private final int cudaDevice;
  private Boolean cudaUsable;

  /**
   * @param requested the device asked for
   * @param threads intra-op threads (0 lets ONNX Runtime choose)
   * @param notices where the one-line fallback notice goes (e.g. System.err)
   */
  public OrtRuntime(Device requested, int threads, PrintStream notices) {
    this(requested, threads, notices, 0);
  }

  /**
   * A runtime whose CUDA sessions use GPU {@code cudaDevice} (e.g. the one a cluster scheduler assigned).
   *
   * @param cudaDevice CUDA device ordinal, 0 for the first GPU
   */
  public OrtRuntime(Device requested, int threads, PrintStream notices, int cudaDevice) {
    this.requested = requested;
    this.threads = threads;
    this.notices = notices;
    this.cudaDevice = cudaDevice;
  }

  /**
   * The process's ONNX Runtime environment, created with native logging limited to fatal messages
   * when this is the first use (ONNX Runtime keeps the level of the first creation, so code that
   * opens sessions on the bare environment, e.g. shape probes, calls this first).
   */
  public static OrtEnvironment quietEnvironment() {
    return OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
  }

  /** A CPU runtime with the given thread count and notices on stderr. */
  public static OrtRuntime cpu(int threads) {
    return new OrtRuntime(Device.CPU, threads, System.err);
  }

  /** The shared ONNX Runtime environment. */
  public OrtEnvironment environment() {
    return env;
  }

  /** The provider sessions run on: {@code "CUDA"} or {@code "CPU"} (decided at the first session). */
  public String provider() {
    return Boolean.TRUE.equals(cudaUsable) ? "CUDA" : "CPU";
  }

  /** Opens a session on a serialized model. */
  public OrtSession open(byte[] model) throws OrtException {
    if (requested != Device.CPU && cudaUsable == null) {
      try (OrtSession.SessionOptions probe = options(true)) {
        OrtSession s = env.createSession(model, probe);
        cudaUsable = true;
        return s;
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        cudaUsable = false;
        notices.println("notice: CUDA is not usable (" + oneLine(e.getMessage()) + "); running on CPU");
      }
    }
    try (OrtSession.SessionOptions opts = options(Boolean.TRUE.equals(cudaUsable))) {
      return env.createSession(model, opts);
    }
  }

  private OrtSession.SessionOptions options(boolean cuda) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (threads > 0) {
      o.setIntraOpNumThreads(threads);
    }
    o.setInterOpNumThreads(1);
    if (cuda) {
      o.addCUDA(cudaDevice);
    }
    return o;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "no detail";
    }
    String t = io.lcnn.errors.PrintableText.oneLine(s);
    return t.length() > 160 ? t.substring(0, 160) + "…" : t;
  }
}
