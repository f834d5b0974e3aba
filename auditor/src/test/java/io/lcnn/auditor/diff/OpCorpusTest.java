package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op corpus (fixtures/op-corpus, written by tools/op-corpus/make_op_corpus.py): one small
 * classifier per op, opset or exporter pattern (run-time shape operands, attention, norms,
 * Gelu/Mish, Resize, copies, reductions, zero-gradient ops, control flow). Each model marked
 * "exact" must be differentiated by the exact oracles with no fallback, and its per-sample
 * gradient and H·probe must match float64 PyTorch autograd to 1e-3 relative; each marked
 * "refused" must be refused naming its control-flow node, never answered with a wrong number.
 */
class OpCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(corpus())) {
      return dirs.filter(d -> Files.exists(d.resolve("reference.json"))).map(d -> d.getFileName().toString())
          .sorted().toList().stream();
    }
  }

  private static Path corpus() {
    return Path.of(System.getProperty("lcnn.fixtures"), "op-corpus");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void exactGradientsAndHvpsMatchFloat64TorchOrTheModelIsRefused(String name) throws IOException {
    Path d = corpus().resolve(name);
    JsonNode ref = JSON.readTree(d.resolve("reference.json").toFile());
    OnnxModelFile model = OnnxModelFile.load(d.resolve("model.onnx"));
    if (ref.get("expect").asText().equals("refused")) {
      UnsupportedOpsException e = assertThrows(UnsupportedOpsException.class,
          () -> ExactOracles.create(model, OrtRuntime.cpu(1), OutputKind.LOGITS), name);
      assertTrue(e.opTypes().contains("If") || e.opTypes().contains("Loop"), e.getMessage());
      assertTrue(e.getMessage().contains("control flow whose body depends on the input"), e.getMessage());
      return;
    }
    FloatTensor x = Npy.readFloats(d.resolve("inputs.npy"));
    int[] y = Npy.readLabels(d.resolve("labels.npy"));
    FloatTensor gRef = Npy.readFloats(d.resolve("grads.npy"));
    FloatTensor probe = Npy.readFloats(d.resolve("probe.npy"));
    FloatTensor hvpRef = Npy.readFloats(d.resolve("hvp_probe.npy"));
    try (ExactOracles o = ExactOracles.create(model, OrtRuntime.cpu(1), OutputKind.LOGITS)) {
      assertEquals("exact", o.gradient().mode());
      GradientResult r = o.gradient().gradient(x, y);
      FloatTensor hv = o.hvp().hvp(x, y, probe);
      double worstGrad = 0;
      double worstHvp = 0;
      for (int i = 0; i < x.batchSize(); i++) {
        double refLoss = ref.get("loss").get(i).asDouble();
        assertEquals(refLoss, r.loss()[i], 1e-4 * Math.max(1, Math.abs(refLoss)), name + " loss of sample " + i);
        double[] gi = sample(r.gradient(), i);
        double[] gr = sample(gRef, i);
        assertFalse(norm(gr) == 0, name + ": the reference gradient of sample " + i + " is zero");
        double eg = relErr(gi, gr);
        double eh = relErr(sample(hv, i), sample(hvpRef, i));
        assertTrue(eg < 1e-3, name + " gradient of sample " + i + ": rel err " + eg);
        assertTrue(eh < 1e-3, name + " H·probe of sample " + i + ": rel err " + eh);
        worstGrad = Math.max(worstGrad, eg);
        worstHvp = Math.max(worstHvp, eh);
      }
      System.out.printf("op-corpus %-45s gradient %.2e  H·probe %.2e%n", name, worstGrad, worstHvp);
    }
  }

  private static double[] sample(FloatTensor t, int i) {
    int s = t.sampleSize();
    double[] out = new double[s];
    for (int j = 0; j < s; j++) {
      out[j] = t.data()[i * s + j];
    }
    return out;
  }

  private static double norm(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** ‖a − b‖ / ‖b‖ (‖a − b‖ when b is zero). */
  static double relErr(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    double nb = norm(b);
    return nb == 0 ? norm(d) : norm(d) / nb;
  }
}
