package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lcnn audit} on a ReLU/MaxPool CNN prints the self-check's verdict and records it in audit.json. */
class SelfCheckVerdictCliTest {
  @TempDir Path tmp;

  @Test
  void reluCnnAuditPrintsAndRecordsAnAgreeVerdict() throws IOException {
    Path ref = FixtureVariants.REF.resolve("cnn_relu_maxpool_bn");
    CliRun r = CliRun.of("audit", "--model", ref.resolve("model.onnx").toString(), "--inputs",
        ref.resolve("inputs.npy").toString(), "--labels", ref.resolve("labels.npy").toString(), "--out", tmp.toString(),
        "--max-samples", "3", "--self-check-samples", "3", "--attack", "none", "--eigen-iters", "5");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("self-check on 3 samples: AGREE: "), r.out());
    AuditResult a = AuditJson.read(tmp.resolve("audit.json"));
    assertEquals("agree", a.selfCheck().verdict());
    assertTrue(a.selfCheck().note().contains("piecewise-linear model (MaxPool ×2, Relu ×2)"), a.selfCheck().note());
  }
}
