package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.api.Audit;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Provenance;
import io.lcnn.auditor.testing.ReferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit.json's provenance: versions, the engine, and digests of the model and every input file. */
class ProvenanceTest {

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void provenanceRecordsVersionsEngineAndFileDigestsAndSurvivesTheJsonFile(@TempDir Path out) throws Exception {
    ReferenceModel ref = ReferenceModel.named("mlp_softplus");
    Path x = ref.dir().resolve("inputs.npy");
    Path y = ref.dir().resolve("labels.npy");
    AuditResult written = Audit.of(ref.modelPath()).inputs(x).labels(y).train(ref.dir().resolve("train_inputs.npy"),
        ref.dir().resolve("train_labels.npy")).maxSamples(4).workers(2).attack("none").runAndWrite(out);
    AuditResult r = AuditJson.read(out.resolve("audit.json"));
    Provenance p = r.provenance();
    assertEquals(sha256(ref.modelPath()), p.modelSha256());
    assertEquals(4, p.inputSha256().size());
    for (String f : List.of("inputs.npy", "labels.npy", "train_inputs.npy", "train_labels.npy")) {
      Path file = ref.dir().resolve(f);
      assertEquals(sha256(file), p.inputSha256().get(file.toString()), f);
    }
    assertTrue(p.onnxRuntime().matches("\\d+\\.\\d+\\.\\d+.*"), p.onnxRuntime());
    assertTrue(p.java().startsWith(System.getProperty("java.version")), p.java());
    assertTrue(p.os().startsWith(System.getProperty("os.name")), p.os());
    assertEquals(new Provenance.Engine("local", 2, p.engine().threadsPerWorker(), null), p.engine());
    assertTrue(p.engine().threadsPerWorker() >= 1);
    assertEquals(written.splits(), r.splits());
    assertEquals(2, r.settings().options().get("workers"));
  }
}
