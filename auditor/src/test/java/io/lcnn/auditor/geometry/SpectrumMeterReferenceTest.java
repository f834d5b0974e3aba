package io.lcnn.auditor.geometry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spectrum of the input Hessian on exact HVPs against full float64 Hessians
 * (fixtures/hessian-spectra/reference.json, made by make_reference.py there from the 784×784
 * Hessians of the first 4 test samples of each torch-reference model). Eigenvalues — the 5 of
 * largest magnitude, the most negative and the most positive — agree within 1% of
 * max(|λ_ref|, 10⁻³·|λ_top|) (the floor covers eigenvalues at float32 round-off, e.g. the zero
 * eigenvalues of ReLU networks). SLQ moments tr(H)/d and tr(H²)/d (16 probes of 30 steps) agree
 * within 4 standard errors of the Hutchinson estimate with normalized Rademacher probes,
 * SE_j ≤ √(2·(tr(H^{2j})/d) / (d·P)).
 */
class SpectrumMeterReferenceTest {
  private static final int PROBES = 16;

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void eigenvaluesAndMomentsMatchFullFloat64Hessians(String name) throws IOException {
    JsonNode ref = new ObjectMapper().readTree(ReferenceModel.fixtures().resolve("hessian-spectra/reference.json")
        .toFile());
    int k = ref.get("top_k").asInt();
    int n = ref.get("samples").asInt();
    ReferenceModel r = ReferenceModel.named(name);
    OnnxModelFile m = r.model();
    FloatTensor x = r.array("inputs.npy").slice(0, n);
    int[] labels = Arrays.copyOf(r.labels("labels.npy"), n);
    StringBuilder misses = new StringBuilder();
    try (OracleSet o = new ExactOracleFactory().create(m, OrtRuntime.cpu(0), OutputKind.detect(m))) {
      List<double[]> eig = SpectrumMeter.eigenvalues(o.hvp(), x, labels, k, SpectrumMeter.DEFAULT_MAX_STEPS,
          SpectrumMeter.DEFAULT_TOLERANCE, 1);
      List<double[][]> slq = SpectrumMeter.quadrature(o.hvp(), x, labels, PROBES, 30, 2);
      int d = x.sampleSize();
      for (int i = 0; i < n; i++) {
        JsonNode s = ref.get("models").get(name).get(i);
        double top = Math.abs(s.get("top_eigenvalues").get(0).asDouble());
        double[] got = eig.get(i);
        for (int j = 0; j < k; j++) {
          check(misses, name + " #" + i + " λ" + (j + 1), got[j], s.get("top_eigenvalues").get(j).asDouble(), top);
        }
        check(misses, name + " #" + i + " most negative", got[k], s.get("most_negative").asDouble(), top);
        check(misses, name + " #" + i + " most positive", got[k + 1], s.get("most_positive").asDouble(), top);
        double[] mom = SpectrumMeter.moments(slq.get(i));
        JsonNode rm = s.get("moments");
        for (int j = 1; j <= 2; j++) {
          double se = Math.sqrt(2 * rm.get(2 * j - 1).asDouble() / ((double) d * PROBES));
          double err = Math.abs(mom[j - 1] - rm.get(j - 1).asDouble());
          if (err > 4 * se) {
            misses.append(String.format(" %s #%d m%d: got %.5g ref %.5g (4 SE = %.3g);", name, i, j, mom[j - 1],
                rm.get(j - 1).asDouble(), 4 * se));
          }
        }
      }
    }
    assertTrue(misses.length() == 0, misses.toString());
  }

  private static void check(StringBuilder misses, String what, double got, double ref, double top) {
    if (Math.abs(got - ref) > 0.01 * Math.max(Math.abs(ref), 1e-3 * top)) {
      misses.append(String.format(" %s: got %.6g ref %.6g;", what, got, ref));
    }
  }
}
