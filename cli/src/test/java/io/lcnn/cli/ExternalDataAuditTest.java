package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights are ONNX external data is audited end to end by the CLI in another JVM
 * whose working directory is not the model's folder, and matches float64 PyTorch; an external
 * data location that leaves the model's folder is refused with exit 2, one line naming the model,
 * the initializer and the location, and no --out.
 */
class ExternalDataAuditTest {
  private static final Path DIR =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus")
          .toAbsolutePath();

  @TempDir Path tmp;
  private Path elsewhere;
  private OnnxMl.ModelProto inline;

  @BeforeEach
  void setUp() throws IOException {
    elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    inline = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(DIR.resolve("model.onnx")));
  }

  /**
   * Writes the fixture model to {@code folder/model.onnx} with every initializer's raw data moved
   * into one file at {@code location} (relative to the folder), at increasing offsets.
   */
  private Path externalize(Path folder, String location, Path dataFile) throws IOException {
    Files.createDirectories(folder);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    OnnxMl.GraphProto.Builder g = inline.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      OnnxMl.TensorProto t = g.getInitializer(i);
      long offset = data.size();
      t.getRawData().writeTo(data);
      data.write(new byte[] {0, 0, 0});
      g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
          .addExternalData(entry("location", location)).addExternalData(entry("offset", String.valueOf(offset)))
          .addExternalData(entry("length", String.valueOf(t.getRawData().size()))));
    }
    Files.createDirectories(dataFile.getParent());
    Files.write(dataFile, data.toByteArray());
    Path model = folder.resolve("model.onnx");
    Files.write(model, inline.toBuilder().setGraph(g).build().toByteArray());
    return model;
  }

  private static OnnxMl.StringStringEntryProto entry(String k, String v) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  @Test
  void externalDataModelAuditsFromAnotherWorkingDirectoryAndMatchesFloat64Torch() throws IOException {
    Path folder = tmp.resolve("models/ext");
    externalize(folder, "weights/all.bin", folder.resolve("weights/all.bin"));
    CliProcess.Result r = CliProcess.run(elsewhere, tmp.resolve("logs"), "audit", "--model", "../models/ext/model.onnx",
        "--inputs", DIR.resolve("inputs.npy").toString(), "--labels", DIR.resolve("labels.npy").toString(),
        "--out", "out", "--max-samples", "4", "--attack", "none", "--self-check-samples", "0", "--eigen-iters", "20");
    assertEquals(0, r.exitCode(), r.err());
    assertReferenceGeometry(AuditJson.read(elsewhere.resolve("out/audit.json")));
  }

  /** Exact gradients, the float64 PyTorch gradient and Hessian norms, and every parameter counted. */
  private void assertReferenceGeometry(AuditResult a) throws IOException {
    assertEquals("exact", a.model().gradientMode());
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile()).get("test");
    List<SampleGeometry> s = a.splits().get("test").samples();
    assertEquals(4, s.size());
    for (int i = 0; i < 4; i++) {
      double g = ref.get("grad_norm").get(i).asDouble();
      double h = ref.get("hessian_spectral_norm").get(i).asDouble();
      assertEquals(g, s.get(i).gradNorm(), 1e-3 * g, "grad norm " + i);
      assertEquals(h, s.get(i).hessianSpectralNorm(), 1e-2 * h, "Hessian norm " + i);
    }
    long params = inline.getGraph().getInitializerList().stream()
        .mapToLong(t -> t.getDimsList().stream().reduce(1L, (x, y) -> x * y)).sum();
    assertEquals(params, a.model().parameterCount());
  }

  @Test
  void modelTooLargeToInlineKeepsItsWeightsExternalAndMatchesFloat64Torch() throws IOException {
    Path folder = tmp.resolve("models/large");
    externalize(folder, "weights/all.bin", folder.resolve("weights/all.bin"));
    CliProcess p = CliProcess.start(elsewhere, tmp.resolve("logs-large"), List.of("lcnn.externalData.inlineLimitBytes=1000"),
        "audit", "--model", "../models/large/model.onnx", "--inputs", DIR.resolve("inputs.npy").toString(),
        "--labels", DIR.resolve("labels.npy").toString(), "--out", "out-large", "--max-samples", "4", "--attack", "none",
        "--self-check-samples", "0", "--eigen-iters", "20");
    CliProcess.Result r = p.await();
    assertEquals(0, r.exitCode(), r.err());
    assertReferenceGeometry(AuditJson.read(elsewhere.resolve("out-large/audit.json")));
  }

  @Test
  void locationLeavingTheModelFolderIsRefusedInOneLineWithoutOutput() throws IOException {
    Path folder = tmp.resolve("models/evil");
    Path model = externalize(folder, "../secret.bin", tmp.resolve("models/secret.bin"));
    Path out = tmp.resolve("out");
    CliRun r = CliRun.of("audit", "--model", model.toString(), "--inputs", DIR.resolve("inputs.npy").toString(),
        "--labels", DIR.resolve("labels.npy").toString(), "--out", out.toString(), "--attack", "none");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(model.toString()) && r.err().contains("initializer '1.weight'")
        && r.err().contains("'../secret.bin'"), r.err());
    assertFalse(Files.exists(out), "--out was created");
  }
}
