package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.auditor.result.AuditJson;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lcnn audit --workers 1} and {@code --workers 2} write the same audit.json apart from the
 * fields that say when and how it ran (createdAt, provenance.engine, settings.options.workers
 * and settings.options.threads).
 */
class AuditWorkersTest {
  private static final Path MLP =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus");

  @TempDir Path tmp;

  private JsonNode audit(int workers) throws Exception {
    Path out = tmp.resolve("w" + workers);
    CliRun r = CliRun.of("audit", "--model", MLP.resolve("model.onnx").toString(),
        "--inputs", MLP.resolve("inputs.npy").toString(), "--labels", MLP.resolve("labels.npy").toString(),
        "--train-inputs", MLP.resolve("train_inputs.npy").toString(),
        "--train-labels", MLP.resolve("train_labels.npy").toString(), "--out", out.toString(),
        "--max-samples", "12", "--batch-size", "4", "--pgd-steps", "5", "--pgd-restarts", "2", "--pgd-eps", "0.5,2",
        "--workers", String.valueOf(workers));
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = AuditJson.mapper().readTree(out.resolve("audit.json").toFile());
    assertEquals(workers, j.get("provenance").get("engine").get("workers").asInt());
    ((ObjectNode) j).remove("createdAt");
    ((ObjectNode) j.get("provenance")).remove("engine");
    ((ObjectNode) j.get("settings").get("options")).remove("workers");
    ((ObjectNode) j.get("settings").get("options")).remove("threads");
    return j;
  }

  @Test
  void oneAndTwoWorkersWriteTheSameAuditJson() throws Exception {
    JsonNode one = audit(1);
    JsonNode two = audit(2);
    assertEquals(one, two);
  }
}
