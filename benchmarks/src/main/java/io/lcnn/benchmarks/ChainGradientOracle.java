package io.lcnn.benchmarks;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * A {@link GradientOracle} on ONNX Runtime for logits models that {@link ChainGradientGraph}
 * can differentiate: forward passes on the model itself, gradients from the model with the
 * hand-written backward pass (one session run per batch each). The loss is logsumexp − z_y of
 * the float32 logits, in double.
 */
public final class ChainGradientOracle implements GradientOracle {
  private final OrtSession forward;
  private final OrtSession backward;
  private final String input;
  private final String output;
  private final int classes;

  /** Opens both sessions on {@code runtime}. */
  public ChainGradientOracle(OnnxModelFile model, OrtRuntime runtime, int classes) throws OrtException {
    this.input = model.inputName();
    this.output = model.outputName();
    this.classes = classes;
    this.forward = runtime.open(model.bytes());
    this.backward = runtime.open(ChainGradientGraph.build(model.proto(), input, output).toByteArray());
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    FloatTensor z = TensorIO.run(forward, Map.of(input, x), Map.of(), List.of(output)).get(output);
    return new ForwardResult(loss(z, labels), z);
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    float[] onehot = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      onehot[i * classes + labels[i]] = 1f;
    }
    Map<String, FloatTensor> r = TensorIO.run(backward,
        Map.of(input, x, ChainGradientGraph.ONEHOT, new FloatTensor(new long[] {labels.length, classes}, onehot)),
        Map.of(), List.of(output, ChainGradientGraph.GRADIENT));
    FloatTensor z = r.get(output);
    return new GradientResult(loss(z, labels), z, r.get(ChainGradientGraph.GRADIENT).reshape(x.shape().clone()));
  }

  private static float[] loss(FloatTensor z, int[] labels) {
    int k = z.sampleSize();
    float[] l = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        m = Math.max(m, z.data()[i * k + j]);
      }
      double s = 0;
      for (int j = 0; j < k; j++) {
        s += Math.exp(z.data()[i * k + j] - m);
      }
      l[i] = (float) (m + Math.log(s) - z.data()[i * k + labels[i]]);
    }
    return l;
  }

  @Override
  public String mode() {
    return "hand-written-chain";
  }

  @Override
  public void close() {
    try {
      forward.close();
      backward.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
