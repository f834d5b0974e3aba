package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audits, end to end through {@code lcnn audit}, classifiers laid out the way other exporters
 * write them, each a rewrite of a torch-reference model that computes the same function: the
 * exact gradients, H·v products and Hessian spectral norms must match the float64 PyTorch
 * references of the original model. The models and data live in a temporary folder, not the
 * working directory.
 */
class ClassifierLayoutsAuditTest {
  private static final int SAMPLES = 4;

  @TempDir Path tmp;

  private record Audit(AuditResult result, FloatTensor gradients, FloatTensor hvp, String err) {}

  private Audit audit(OnnxMl.ModelProto model, long[] sampleShape, String fixture, String... extra) throws IOException {
    return audit(FixtureVariants.write(model, tmp.resolve("variant").resolve("model")), FixtureVariants.REF.resolve(fixture),
        sampleShape, extra);
  }

  /** Audits the model file on the first samples of the references in {@code ref}, given with {@code sampleShape}. */
  private Audit audit(Path file, Path ref, long[] sampleShape, String... extra) throws IOException {
    Path dir = file.getParent().resolve("run");
    Files.createDirectories(dir);
    Path inputs = dir.resolve("inputs.npy");
    Path probe = dir.resolve("probe.npy");
    Path labels = dir.resolve("labels.npy");
    Npy.writeLabels(labels, Arrays.copyOf(Npy.readLabels(ref.resolve("labels.npy")), SAMPLES));
    Npy.write(inputs, relayout(Npy.readFloats(ref.resolve("inputs.npy")).slice(0, SAMPLES), sampleShape));
    Npy.write(probe, relayout(Npy.readFloats(ref.resolve("probe.npy")).slice(0, SAMPLES), sampleShape));
    Path out = dir.resolve("out");
    Path grads = dir.resolve("grads.npy");
    Path hv = dir.resolve("hv.npy");
    List<String> args = new java.util.ArrayList<>(List.of("audit", "--model", file.toString(), "--inputs", inputs.toString(),
        "--labels", labels.toString(), "--out", out.toString(), "--gradients", "exact",
        "--max-samples", String.valueOf(SAMPLES), "--self-check-samples", "0", "--attack", "none",
        "--dump-gradients", grads.toString(), "--hvp-probe", probe.toString(), "--dump-hvp", hv.toString()));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    return new Audit(AuditJson.read(out.resolve("audit.json")), Npy.readFloats(grads), Npy.readFloats(hv), r.err());
  }

  /** The same values with another sample shape (the fixtures have one channel, so NHWC is the same order). */
  private static FloatTensor relayout(FloatTensor t, long[] sampleShape) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = t.batchSize();
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return t.reshape(shape);
  }

  private static void assertMatchesReference(Audit a, String fixture) throws IOException {
    assertMatchesReference(a, FixtureVariants.REF.resolve(fixture));
  }

  private static void assertMatchesReference(Audit a, Path ref) throws IOException {
    assertEquals("exact", a.result().model().gradientMode());
    assertEquals("exact", a.result().model().hvpMode());
    assertClose(Npy.readFloats(ref.resolve("grads.npy")), a.gradients(), 1e-3, "gradient");
    assertClose(Npy.readFloats(ref.resolve("hvp_probe.npy")), a.hvp(), 1e-3, "H·v");
    JsonNode test = new ObjectMapper().readTree(ref.resolve("reference.json").toFile()).get("test");
    List<SampleGeometry> s = a.result().splits().get("test").samples();
    assertEquals(SAMPLES, s.size());
    for (int i = 0; i < SAMPLES; i++) {
      double loss = test.get("loss").get(i).asDouble();
      double hess = test.get("hessian_spectral_norm").get(i).asDouble();
      assertEquals(loss, s.get(i).loss(), 1e-4 * loss + 1e-6, "loss of sample " + i);
      assertEquals(hess, s.get(i).hessianSpectralNorm(), 0.01 * hess, "Hessian spectral norm of sample " + i);
    }
  }

  private static void assertClose(FloatTensor reference, FloatTensor actual, double tol, String what) {
    int d = actual.sampleSize();
    for (int i = 0; i < SAMPLES; i++) {
      double num = 0;
      double den = 0;
      for (int j = 0; j < d; j++) {
        double diff = actual.data()[i * d + j] - reference.data()[i * d + j];
        num += diff * diff;
        den += (double) reference.data()[i * d + j] * reference.data()[i * d + j];
      }
      assertTrue(Math.sqrt(num / den) < tol, what + " of sample " + i + ": relative error " + Math.sqrt(num / den));
    }
  }

  @Test
  void labelThenProbabilitiesOutputsAuditTheProbabilitiesBehindIdentityFromTheLogits() throws IOException {
    Audit a = audit(FixtureVariants.labelThenProbabilities(FixtureVariants.read("cnn_softmax_normalized")),
        new long[] {1, 28, 28}, "cnn_softmax_normalized");
    assertMatchesReference(a, "cnn_softmax_normalized");
    assertEquals("probabilities", a.result().model().outputName());
    assertEquals("probabilities", a.result().model().outputKind());
    assertTrue(a.result().model().adaptations().get(0).contains("first float tensor among [label, probabilities]"),
        a.result().model().adaptations().toString());
    assertTrue(a.err().contains("notice: output 'probabilities'"), a.err());
  }

  @Test
  void zipMapOutputAuditsTheProbabilityTensorThatFeedsItAndSaysSo() throws IOException {
    Audit a = audit(FixtureVariants.labelThenZipMap(FixtureVariants.read("cnn_softmax_normalized")),
        new long[] {1, 28, 28}, "cnn_softmax_normalized");
    assertMatchesReference(a, "cnn_softmax_normalized");
    assertEquals("probabilities", a.result().model().outputName());
    assertEquals("probabilities", a.result().model().outputKind());
    String note = a.result().model().adaptations().get(0);
    assertTrue(note.contains("'output_probability' is a ZipMap") && note.contains("'probabilities' that feeds it"), note);
    assertTrue(a.err().contains("ZipMap"), a.err());
  }

  @Test
  void outputNameChoosesTheOutputAndAnUnknownNameIsAOneLineErrorWithExitCode2() throws IOException {
    OnnxMl.ModelProto m = FixtureVariants.labelThenZipMap(FixtureVariants.read("cnn_softmax_normalized"));
    Audit a = audit(m, new long[] {1, 28, 28}, "cnn_softmax_normalized", "--output-name", "output_probability");
    assertEquals("probabilities", a.result().model().outputName());
    Path file = FixtureVariants.write(m, tmp.resolve("named"));
    Path ref = FixtureVariants.REF.resolve("cnn_softmax_normalized");
    CliRun r = CliRun.of("audit", "--model", file.toString(), "--inputs", ref.resolve("inputs.npy").toString(),
        "--labels", ref.resolve("labels.npy").toString(), "--out", tmp.resolve("none").toString(),
        "--output-name", "scores");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("'scores' is not an output") && r.err().contains("[output_label, output_probability]"),
        r.err());
    assertFalse(Files.exists(tmp.resolve("none").resolve("audit.json")));
  }

  @Test
  void fixedBatchOfOneWithTheBatchBakedIntoAReshapeAuditsInBatches() throws IOException {
    Audit a = audit(FixtureVariants.fixedBatchOfOne(FixtureVariants.read("resnet_softplus"), 16),
        new long[] {1, 28, 28}, "resnet_softplus");
    assertMatchesReference(a, "resnet_softplus");
    String note = a.result().model().adaptations().get(0);
    assertTrue(note.contains("fixed at 1: made dynamic (1 Reshape target rewritten)"), note);
    assertEquals("[1, 1, 28, 28]", a.result().model().inputShape().toString());
  }

  @Test
  void fixedBatchThatNoOtherBatchSizeCanRunIsAuditedOneSamplePerCall() throws IOException {
    Audit a = audit(FixtureVariants.unrelaxableBatchOfOne(FixtureVariants.read("mlp_softplus"), 784),
        new long[] {1, 28, 28}, "mlp_softplus");
    assertMatchesReference(a, "mlp_softplus");
    String note = a.result().model().adaptations().get(0);
    assertTrue(note.contains("fixed at 1 and kept") && note.contains("every ONNX Runtime call runs 1 sample"), note);
  }

  @Test
  void nhwcInputAuditsThroughTheTransposeInTheGraph() throws IOException {
    Audit a = audit(FixtureVariants.nhwc(FixtureVariants.read("resnet_softplus")), new long[] {28, 28, 1},
        "resnet_softplus");
    assertMatchesReference(a, "resnet_softplus");
    assertEquals("image", a.result().model().inputName());
    assertTrue(Arrays.equals(new long[] {SAMPLES, 28, 28, 1}, a.gradients().shape()));
    assertNull(a.result().model().adaptations());
  }

  @Test
  void batchWrappedInALeadingAxisIsAuditedWithTheAxisUnwrapped() throws IOException {
    Audit a = audit(FixtureVariants.leadingAxis(FixtureVariants.read("resnet_softplus")), new long[] {1, 28, 28},
        "resnet_softplus");
    assertMatchesReference(a, "resnet_softplus");
    assertEquals("wrapped", a.result().model().inputName());
    assertEquals("wrapped_scores", a.result().model().outputName());
    assertEquals(5, a.result().model().inputShape().size(), a.result().model().inputShape().toString());
    String note = a.result().model().adaptations().get(0);
    assertTrue(note.contains("1 leading axis of size 1") && note.contains("Squeeze behind its output"), note);
    assertTrue(Arrays.equals(new long[] {SAMPLES, 1, 28, 28}, a.gradients().shape()));
  }

  @Test
  void batchWrappedInALeadingAxisOnlyAtTheInputKeepsTheOutputAsItIs() throws IOException {
    Audit a = audit(FixtureVariants.leadingAxis(FixtureVariants.read("cnn_softmax_normalized"), false),
        new long[] {1, 28, 28}, "cnn_softmax_normalized");
    assertMatchesReference(a, "cnn_softmax_normalized");
    String note = a.result().model().adaptations().get(0);
    assertTrue(note.contains("1 leading axis of size 1") && !note.contains("Squeeze"), note);
    assertEquals("probabilities", a.result().model().outputKind());
  }

  /** A torch.onnx export whose batch is wrapped in a leading axis (fixtures/leading-axis, float64 PyTorch references). */
  @Test
  void torchExportWithTheBatchInALeadingAxisIsAuditedFromAnotherFolder() throws IOException {
    Path fixture = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("leading-axis");
    for (String name : List.of("model.onnx", "model_fixed.onnx")) {
      Path copy = tmp.resolve(name.replace(".onnx", "")).resolve("model.onnx");
      Files.createDirectories(copy.getParent());
      Files.copy(fixture.resolve(name), copy);
      Audit a = audit(copy, fixture, new long[] {1, 8, 8});
      assertMatchesReference(a, fixture);
      assertEquals(5, a.result().model().inputShape().size(), name + " " + a.result().model().inputShape());
      String note = String.join("; ", a.result().model().adaptations());
      assertTrue(note.contains("1 leading axis of size 1") && note.contains("Squeeze behind its output 'scores'"),
          name + ": " + note);
    }
  }

  @Test
  void flatInputsAreAudited() throws IOException {
    Audit a = audit(FixtureVariants.flatInput(FixtureVariants.read("mlp_softplus"), 784), new long[] {784},
        "mlp_softplus");
    assertMatchesReference(a, "mlp_softplus");
    assertTrue(Arrays.equals(new long[] {SAMPLES, 784}, a.gradients().shape()));
  }
}
