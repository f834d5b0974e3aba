package io.lcnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input with {@code --spark local[2]} fails before any Spark context (so before any task)
 * is created, with the exit code and the one-line message of the same local audit; a good audit
 * with the same probe does create one (so the probe can see it).
 */
class SparkBadInputTest {
  @TempDir Path dir;

  @BeforeEach
  void probe() {
    System.setProperty("spark.extraListeners", ContextProbe.class.getName());
    ContextProbe.CREATED.set(0);
  }

  @AfterEach
  void restore() {
    System.clearProperty("spark.extraListeners");
  }

  private void assertSameFailureBeforeSpark(String what, String... change) {
    List<String> local = new ArrayList<>(Arrays.asList(Fixture.audit(dir.resolve("local"))));
    for (int i = 0; i < change.length; i += 2) {
      int at = local.indexOf(change[i]);
      if (at >= 0) {
        local.set(at + 1, change[i + 1]);
      } else {
        local.add(change[i]);
        local.add(change[i + 1]);
      }
    }
    List<String> spark = new ArrayList<>(local);
    spark.set(spark.indexOf("--out") + 1, dir.resolve("spark").toString());
    spark.addAll(List.of("--spark", "local[2]"));
    String[] a = Fixture.run(local);
    String[] b = Fixture.run(spark);
    assertEquals("2", a[0], what + ": local exit code (" + a[1] + ")");
    assertEquals(a[0], b[0], what + ": exit code with --spark (" + b[1] + ")");
    assertEquals(a[1].replace(dir.resolve("local").toString(), "OUT"), b[1].replace(dir.resolve("spark").toString(), "OUT"),
        what + ": message");
    assertEquals(0, ContextProbe.CREATED.get(), what + ": no Spark context was created");
    assertTrue(!Files.exists(dir.resolve("spark")), what + ": nothing written");
  }

  @Test
  void badInputFailsBeforeAnySparkContextWithTheLocalMessageAndExitCode() throws Exception {
    assertSameFailureBeforeSpark("missing model", "--model", dir.resolve("missing.onnx").toString());
    assertSameFailureBeforeSpark("negative eps", "--eps", "-1");
    Path fewLabels = dir.resolve("few_labels.npy");
    Npy.writeLabels(fewLabels, Arrays.copyOf(Npy.readLabels(Fixture.file("labels.npy")), 20));
    assertSameFailureBeforeSpark("mismatched labels", "--labels", fewLabels.toString());
    Path outside = dir.resolve("outside_labels.npy");
    int[] y = Npy.readLabels(Fixture.file("labels.npy"));
    y[3] = 10;
    Npy.writeLabels(outside, y);
    assertSameFailureBeforeSpark("label outside the classes", "--labels", outside.toString());

    String[] ok = Fixture.run(Arrays.asList(Fixture.audit(dir.resolve("ok"), "--spark", "local[1]", "--max-samples", "4",
        "--attack", "none")));
    assertEquals("0", ok[0], ok[1]);
    assertEquals(1, ContextProbe.CREATED.get(), "the probe sees the context of a good audit");
  }
}
