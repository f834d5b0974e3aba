package io.lcnn.auditor.oracle;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * The unmodified model run on ONNX Runtime: a batch [B, ...] goes through the session in chunks
 * of at most {@code maxRows} samples and comes back as outputs [B, K] (any output of B·K values is
 * viewed as [B, K]). A model whose input declares a fixed batch size N runs in chunks of exactly N,
 * the last one padded by repeating its last sample.
 */
public final class OnnxModelFunction implements ModelFunction {
  private final OnnxModelFile model;
  private final OrtSession session;
  private final int maxRows;
  private final int fixedBatch;

  /**
   * Opens a session on the model.
   *
   * @param maxRows most samples per ONNX Runtime call (at least 1)
   * @throws ModelLoadException with a one-line message when ONNX Runtime refuses the model
   */
  public OnnxModelFunction(OnnxModelFile model, OrtRuntime runtime, int maxRows) {
    this.model = model;
    this.fixedBatch = DynamicBatchView.fixedBatch(model);
    this.maxRows = fixedBatch > 0 ? fixedBatch : Math.max(1, maxRows);
    try {
      this.session = runtime.open(model.bytes());
    } catch (OrtException | RuntimeException e) {
      throw new ModelLoadException(model.path() + ": ONNX Runtime cannot load the model (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** The model this function runs. */
  public OnnxModelFile model() {
    return model;
  }

  @Override
  public FloatTensor outputs(FloatTensor x) {
    int b = x.batchSize();
    if (b <= maxRows) {
      return runChunk(x);
    }
    float[] all = null;
    int k = 0;
    for (int from = 0; from < b; from += maxRows) {
      FloatTensor out = runChunk(x.slice(from, Math.min(b, from + maxRows)));
      if (all == null) {
        k = out.sampleSize();
        all = new float[b * k];
      }
      System.arraycopy(out.data(), 0, all, from * k, out.data().length);
    }
    return new FloatTensor(new long[] {b, k}, all);
  }

  private FloatTensor runChunk(FloatTensor x) {
    int b = x.batchSize();
    if (fixedBatch > 0 && b != fixedBatch) {
      int[] pick = new int[fixedBatch];
      for (int i = 0; i < fixedBatch; i++) {
        pick[i] = Math.min(i, b - 1);
      }
      FloatTensor padded = runChunk(x.select(pick));
      return padded.slice(0, b);
    }
    FloatTensor out;
    try {
      out = TensorIO.run(session, Map.of(model.inputName(), x), Map.of(), List.of(model.outputName())).get(model.outputName());
    } catch (IllegalStateException e) {
      throw new IllegalStateException(model.path() + ": " + firstLine(e.getMessage()), e);
    }
    if (out.data().length % b != 0) {
      throw new IllegalStateException(model.path() + ": output of " + out.data().length + " values for a batch of " + b);
    }
    return out.reshape(b, out.data().length / b);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close ONNX Runtime session: " + e.getMessage(), e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    t = nl < 0 ? t : t.substring(0, nl);
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }
}
