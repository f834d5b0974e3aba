package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  private static final Path REF = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference");
  private static final Path SOFTMAX = REF.resolve("cnn_softmax_normalized");

  @TempDir Path tmp;

  private static double[] reference(Path dir, String split, String field) throws IOException {
    JsonNode n = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get(split).get(field);
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  @Test
  void auditWithFiniteDifferencesWritesAuditJsonMatchingTorchReference() throws IOException {
    Path out = tmp.resolve("out");
    Path grads = tmp.resolve("grads.npy");
    Path hv = tmp.resolve("hv.npy");
    CliRun r = CliRun.of("audit", "--model", SOFTMAX.resolve("model.onnx").toString(),
        "--inputs", SOFTMAX.resolve("inputs.npy").toString(), "--labels", SOFTMAX.resolve("labels.npy").toString(),
        "--train-inputs", SOFTMAX.resolve("train_inputs.npy").toString(),
        "--train-labels", SOFTMAX.resolve("train_labels.npy").toString(),
        "--out", out.toString(), "--gradients", "finite-difference", "--max-samples", "3", "--self-check-samples", "1",
        "--attack", "none",
        "--dump-gradients", grads.toString(), "--hvp-probe", SOFTMAX.resolve("probe.npy").toString(), "--dump-hvp", hv.toString());
    assertEquals(0, r.exitCode(), r.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals("finite-difference", a.model().gradientMode());
    assertEquals("probabilities", a.model().outputKind());
    double[] gradNorm = reference(SOFTMAX, "test", "grad_norm");
    double[] hess = reference(SOFTMAX, "test", "hessian_spectral_norm");
    List<SampleGeometry> s = a.splits().get("test").samples();
    assertEquals(3, s.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(gradNorm[i], s.get(i).gradNorm(), 3e-3 * gradNorm[i], "grad norm " + i);
      assertEquals(hess[i], s.get(i).hessianSpectralNorm(), 0.01 * hess[i], "Hessian norm " + i);
    }
    assertEquals(3, a.splits().get("train").samples().size());
    assertTrue(a.trainTestDiscrepancy() != null);
    FloatTensor g = Npy.readFloats(grads);
    FloatTensor ref = Npy.readFloats(SOFTMAX.resolve("grads.npy"));
    assertEquals(3, g.batchSize());
    for (int i = 0; i < 3; i++) {
      double num = 0;
      double den = 0;
      for (int j = 0; j < 784; j++) {
        double d = g.data()[i * 784 + j] - ref.data()[i * 784 + j];
        num += d * d;
        den += (double) ref.data()[i * 784 + j] * ref.data()[i * 784 + j];
      }
      assertTrue(Math.sqrt(num / den) < 3e-3, "dumped gradient " + i);
    }
    assertEquals(3, Npy.readFloats(hv).batchSize());
    assertTrue(r.out().contains("test") && r.out().contains("train-test discrepancy"), r.out());
  }

  @Test
  void auditReadsGzippedIdxFiles() throws IOException {
    FloatTensor x = Npy.readFloats(SOFTMAX.resolve("inputs.npy"));
    int[] y = Npy.readLabels(SOFTMAX.resolve("labels.npy"));
    Path images = tmp.resolve("t10k-images-idx3-ubyte.gz");
    Path labels = tmp.resolve("t10k-labels-idx1-ubyte.gz");
    writeIdx(images, x, null);
    writeIdx(labels, null, y);
    Path out = tmp.resolve("idx");
    CliRun r = CliRun.of("audit", "--model", SOFTMAX.resolve("model.onnx").toString(), "--inputs", images.toString(),
        "--labels", labels.toString(), "--out", out.toString(), "--gradients", "finite-difference",
        "--max-samples", "1", "--self-check-samples", "0", "--eigen-iters", "2", "--attack", "none");
    assertEquals(0, r.exitCode(), r.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals(y[0], a.splits().get("test").samples().get(0).label());
    double[] loss = reference(SOFTMAX, "test", "loss");
    assertEquals(loss[0], a.splits().get("test").samples().get(0).loss(), 1e-3 * loss[0] + 1e-4);
  }

  private static void writeIdx(Path file, FloatTensor images, int[] labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
      if (images != null) {
        out.writeInt(0x803);
        out.writeInt(images.batchSize());
        out.writeInt(28);
        out.writeInt(28);
        for (float v : images.data()) {
          out.writeByte(Math.round(v * 255));
        }
      } else {
        out.writeInt(0x801);
        out.writeInt(labels.length);
        for (int l : labels) {
          out.writeByte(l);
        }
      }
    }
    Files.write(file, bytes.toByteArray());
  }

  @Test
  void missingRequiredOptionsAreOneLineErrorsWithExitCode2() {
    CliRun r = CliRun.of("audit", "--out", tmp.toString());
    assertEquals(2, r.exitCode());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(tmp.resolve("audit.json")));
  }

  @Test
  void helpListsTheOptions() {
    CliRun r = CliRun.of("audit", "--help");
    assertEquals(0, r.exitCode());
    for (String opt : List.of("--model", "--inputs", "--labels", "--train-inputs", "--out", "--device", "--eigen",
        "--dump-gradients", "--hvp-probe", "--dump-hvp", "--dataset", "--gradients")) {
      assertTrue(r.out().contains(opt), opt);
    }
  }

  @Test
  void attackFlagsRunRobustnessProbesSaveAdversarialInputsWithinEpsAndGateTheResult() throws IOException {
    Path mlp = REF.resolve("mlp_softplus");
    Path out = tmp.resolve("robust");
    Path adv = out.resolve("adversarial");
    Path policy = tmp.resolve("policy.json");
    Files.writeString(policy, "{\"min-accuracy\": 0.5, \"min-robust-accuracy\": {\"0.2\": 0.99}}");
    CliRun r = CliRun.of("audit", "--model", mlp.resolve("model.onnx").toString(),
        "--inputs", mlp.resolve("inputs.npy").toString(), "--labels", mlp.resolve("labels.npy").toString(),
        "--out", out.toString(), "--max-samples", "16", "--self-check-samples", "0",
        "--pgd-eps", "0.1,0.2", "--pgd-steps", "10", "--pgd-restarts", "1", "--stability-radii", "0.001,0.01,0.1",
        "--save-adversarial", adv.toString(), "--policy", policy.toString());
    assertEquals(1, r.exitCode(), "the 0.99 robust-accuracy rule fails: " + r.out() + r.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals(List.of(0.1, 0.2), a.attacks().eps());
    assertEquals(10, a.attacks().steps());
    assertEquals(16, a.attacks().samples());
    assertEquals(List.of(0.0, 1.0), java.util.Arrays.stream(a.model().inputRange()).boxed().toList());
    assertEquals(3, a.gradientStability().radii().size());
    assertFalse(a.maskingChecks().isEmpty());
    assertEquals(2, a.gate().size());
    assertTrue(a.gate().get(0).passed() && !a.gate().get(1).passed(), a.gate().toString());
    FloatTensor x = Npy.readFloats(mlp.resolve("inputs.npy")).slice(0, 16);
    for (double eps : a.attacks().eps()) {
      FloatTensor xa = Npy.readFloats(adv.resolve("eps_" + eps + ".npy"));
      assertEquals(16, xa.batchSize());
      int d = x.sampleSize();
      for (int i = 0; i < 16; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          float v = xa.data()[i * d + j];
          assertTrue(v >= 0f && v <= 1f, "inside [0,1]");
          double diff = v - x.data()[i * d + j];
          s += diff * diff;
        }
        assertTrue(Math.sqrt(s) <= eps + 1e-5, "sample " + i + " within eps " + eps + ": " + Math.sqrt(s));
      }
    }
    assertTrue(Files.exists(out.resolve(a.artifacts().galleryAdversarial())), "gallery arrays saved next to audit.json");
  }

  @Test
  void badAttackFlagIsAOneLineErrorAndWritesNothing() {
    Path mlp = REF.resolve("mlp_softplus");
    Path out = tmp.resolve("bad");
    CliRun r = CliRun.of("audit", "--model", mlp.resolve("model.onnx").toString(),
        "--inputs", mlp.resolve("inputs.npy").toString(), "--labels", mlp.resolve("labels.npy").toString(),
        "--out", out.toString(), "--pgd-eps", "0.1,abc");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--eps"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(out.resolve("audit.json")));
  }
}
