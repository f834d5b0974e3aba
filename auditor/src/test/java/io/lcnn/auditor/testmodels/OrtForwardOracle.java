package io.lcnn.auditor.testmodels;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Forward passes on ONNX Runtime (a logits model built by {@link TinyOnnxMlp}) with the
 * cross-entropy loss taken from its float32 logits, and input gradients from the closed form of
 * the same {@link TanhMlp}.
 */
public final class OrtForwardOracle implements GradientOracle {
  private final OrtSession session;
  private final MlpOracle analytic;

  public OrtForwardOracle(OrtRuntime runtime, TanhMlp model, int side) throws OrtException {
    this.session = runtime.open(TinyOnnxMlp.build(model, side, false));
    this.analytic = new MlpOracle(model);
  }

  /** Runs the model on ONNX Runtime: logits [B, K]. */
  public FloatTensor logits(FloatTensor x) {
    return TensorIO.run(session, Map.of("x", x), Map.of(), List.of("out")).get("out");
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    FloatTensor z = logits(x);
    int k = z.sampleSize();
    float[] loss = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        m = Math.max(m, z.data()[i * k + j]);
      }
      double s = 0;
      for (int j = 0; j < k; j++) {
        s += Math.exp(z.data()[i * k + j] - m);
      }
      loss[i] = (float) (m + Math.log(s) - z.data()[i * k + labels[i]]);
    }
    return new ForwardResult(loss, z);
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    ForwardResult f = forward(x, labels);
    return new GradientResult(f.loss(), f.output(), analytic.gradient(x, labels).gradient());
  }

  @Override
  public String mode() {
    return "ort-forward+analytic-gradient";
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
