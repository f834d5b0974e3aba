package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code lcnn bound --json} prints one JSON object: a numeric curvatureBound and the layer table
 * for a softplus MLP, a null curvatureBound naming the Relu node for a ReLU network; a missing
 * file is bad input (exit 2, one line).
 */
class BoundCommandTest {
  private static final Path REF = Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference");

  @Test
  void jsonHasTheBoundAndTheLayersOrNullWithTheNode() throws Exception {
    CliRun ok = CliRun.of("bound", "--model", REF.resolve("mlp_softplus/model.onnx").toString(), "--json",
        "--power-tol", "1e-4");
    assertEquals(0, ok.exitCode(), ok.err());
    JsonNode j = new ObjectMapper().readTree(ok.out());
    assertTrue(j.get("curvatureBound").isNumber(), ok.out());
    assertEquals(6, j.get("layers").size());
    assertEquals("loss", j.get("layers").get(5).get("kind").asText());
    CliRun relu = CliRun.of("bound", "--model", REF.resolve("cnn_relu_maxpool_bn/model.onnx").toString(), "--json");
    assertEquals(0, relu.exitCode(), relu.err());
    JsonNode r = new ObjectMapper().readTree(relu.out());
    assertTrue(r.has("curvatureBound") && r.get("curvatureBound").isNull(), relu.out());
    assertEquals("Relu", r.get("noBound").get("op").asText());
    CliRun bad = CliRun.of("bound", "--model", "no-such-model.onnx");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("no-such-model.onnx") && bad.err().strip().lines().count() == 1, bad.err());
  }
}
