package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI does not depend on the spark module: without it on the class path (as in this module's
 * tests), {@code --spark} fails at once with one line saying how to get it, exit 2, nothing written.
 */
class SparkFlagWithoutModuleTest {
  private static final Path MLP =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus");

  @TempDir Path tmp;

  @Test
  void sparkWithoutTheModuleSaysHowToGetItAndExitsTwo() {
    Path out = tmp.resolve("out");
    CliRun r = CliRun.of("audit", "--model", MLP.resolve("model.onnx").toString(),
        "--inputs", MLP.resolve("inputs.npy").toString(), "--labels", MLP.resolve("labels.npy").toString(),
        "--out", out.toString(), "--spark", "local[2]");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("lcnn audit: --spark local[2]: the Spark module is not on the class path; run ./lcnn (it builds the"
        + " module and adds it when --spark is given) or add spark/target/lcnn-spark.jar and the jars listed in"
        + " spark/target/classpath.txt to the class path", r.err().strip());
    assertFalse(Files.exists(out));
  }
}
