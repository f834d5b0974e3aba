package io.lcnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChainGradientOracleTest {

  @Test
  void gradientsAndLossMatchTheTorchReferenceOnMlpSoftplus() throws Exception {
    Path dir = Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", "mlp_softplus");
    FloatTensor x = Npy.readFloats(dir.resolve("inputs.npy"));
    int[] y = Npy.readLabels(dir.resolve("labels.npy"));
    FloatTensor ref = Npy.readFloats(dir.resolve("grads.npy"));
    try (ChainGradientOracle oracle = new ChainGradientOracle(OnnxModelFile.load(dir.resolve("model.onnx")), OrtRuntime.cpu(1), 10)) {
      GradientResult r = oracle.gradient(x, y);
      int d = x.sampleSize();
      for (int i = 0; i < x.batchSize(); i++) {
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < d; j++) {
          diff += Math.pow(r.gradient().data()[i * d + j] - ref.data()[i * d + j], 2);
          norm += Math.pow(ref.data()[i * d + j], 2);
        }
        // absolute slack: p − onehot in float32 loses digits on confident samples (‖∇f‖ ≈ 5e-5)
        assertTrue(Math.sqrt(diff) <= 1e-3 * Math.sqrt(norm) + 1e-6, "sample " + i + ": " + Math.sqrt(diff) + " vs " + Math.sqrt(norm));
      }
      float[] loss = oracle.forward(x, y).loss();
      var refLoss = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("test").get("loss");
      for (int i = 0; i < loss.length; i++) {
        assertEquals(refLoss.get(i).asDouble(), loss[i], 1e-4 * Math.max(1, refLoss.get(i).asDouble()));
      }
    }
  }
}
