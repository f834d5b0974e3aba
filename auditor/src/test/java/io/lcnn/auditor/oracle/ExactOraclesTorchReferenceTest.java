package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact gradients, H·probe products, losses and outputs against the PyTorch float64 autograd
 * references in fixtures/torch-reference (32 test samples per model, all in one batch).
 */
class ExactOraclesTorchReferenceTest {
  static Stream<String> models() {
    return Stream.of("mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized");
  }

  private static Path dir(String model) {
    return Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", model);
  }

  @ParameterizedTest
  @MethodSource("models")
  void gradientsHvpsLossesAndOutputsMatchTorchReference(String name) throws IOException {
    Path d = dir(name);
    OnnxModelFile model = OnnxModelFile.load(d.resolve("model.onnx"));
    JsonNode ref = new ObjectMapper().readTree(d.resolve("reference.json").toFile());
    OutputKind kind = ref.get("outputs_probabilities").asBoolean() ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
    assertEquals(kind, OutputKind.detect(model));
    FloatTensor x = Npy.readFloats(d.resolve("inputs.npy"));
    int[] y = Npy.readLabels(d.resolve("labels.npy"));
    FloatTensor gRef = Npy.readFloats(d.resolve("grads.npy"));
    FloatTensor probe = Npy.readFloats(d.resolve("probe.npy"));
    FloatTensor hvpRef = Npy.readFloats(d.resolve("hvp_probe.npy"));
    try (ExactOracles o = ExactOracles.create(model, OrtRuntime.cpu(1), kind)) {
      GradientResult r = o.gradient().gradient(x, y);
      FloatTensor hv = o.hvp().hvp(x, y, probe);
      int b = x.batchSize();
      JsonNode loss = ref.get("test").get("loss");
      JsonNode outputs = ref.get("test").get("outputs");
      int k = r.output().sampleSize();
      double worstGrad = 0;
      double worstHvp = 0;
      for (int i = 0; i < b; i++) {
        double refLoss = loss.get(i).asDouble();
        assertEquals(refLoss, r.loss()[i], 1e-5 * Math.max(1, Math.abs(refLoss)) + 1e-7, name + " loss of sample " + i);
        double[] out = new double[k];
        double[] outRef = new double[k];
        for (int j = 0; j < k; j++) {
          out[j] = r.output().data()[i * k + j];
          outRef[j] = outputs.get(i).get(j).asDouble();
        }
        assertTrue(relErr(out, outRef) < 1e-4, name + " output of sample " + i + ": rel err " + relErr(out, outRef));
        double eg = relErr(sample(r.gradient(), i), sample(gRef, i));
        assertTrue(eg < 1e-3, name + " gradient of sample " + i + ": rel err " + eg);
        double eh = relErr(sample(hv, i), sample(hvpRef, i));
        assertTrue(eh < 1e-3, name + " H·probe of sample " + i + ": rel err " + eh);
        worstGrad = Math.max(worstGrad, eg);
        worstHvp = Math.max(worstHvp, eh);
      }
      System.out.printf("%s: worst per-sample relative error: gradient %.2e, H·probe %.2e%n", name, worstGrad, worstHvp);
      ForwardResult f = o.gradient().forward(x.slice(0, 3), new int[] {y[0], y[1], y[2]});
      assertEquals(3, f.loss().length);
      assertEquals(r.loss()[2], f.loss()[2], 1e-6f);
    }
  }

  static double[] sample(FloatTensor t, int i) {
    int s = t.sampleSize();
    double[] out = new double[s];
    for (int j = 0; j < s; j++) {
      out[j] = t.data()[i * s + j];
    }
    return out;
  }

  /** ‖a − b‖ / ‖b‖ (‖a − b‖ when b is zero). */
  static double relErr(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
    return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  }
}
