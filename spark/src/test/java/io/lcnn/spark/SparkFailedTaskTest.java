package io.lcnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing task leaves nothing: the test inputs are changed (from sample 4 on) after the driver
 * validated them and before the job runs, so the tasks reading samples 4.. fail their checksum;
 * the audit exits with one line naming the file, and neither audit.json nor samples.parquet nor
 * a staging folder is left.
 */
class SparkFailedTaskTest {
  @TempDir Path dir;

  @AfterEach
  void restore() {
    System.clearProperty("spark.extraListeners");
    ContextProbe.onCreate = null;
  }

  @Test
  void aTaskFailingOnChangedInputsLeavesNoAuditJsonAndNoParquet() throws Exception {
    Path inputs = dir.resolve("inputs.npy");
    Files.copy(Fixture.file("inputs.npy"), inputs);
    ContextProbe.target = inputs;
    ContextProbe.onCreate = SparkFailedTaskTest::changeFromSampleFour;
    System.setProperty("spark.extraListeners", ContextProbe.class.getName());
    List<String> args = new java.util.ArrayList<>(Arrays.asList(Fixture.audit(dir.resolve("out"), "--spark", "local[2]")));
    args.set(args.indexOf("--inputs") + 1, inputs.toString());

    String[] result = Fixture.run(args);
    String last = result[1];
    assertEquals("2", result[0], last);
    assertTrue(last.startsWith("lcnn audit: ") && last.contains(inputs.toString())
        && last.contains("differ from those the driver validated"), last);
    try (Stream<Path> left = Files.walk(dir)) {
      List<String> names = left.map(p -> dir.relativize(p).toString()).toList();
      assertTrue(names.stream().noneMatch(n -> n.startsWith("out") || n.contains("staging") || n.endsWith(".parquet")),
          "left behind: " + names);
    }
  }

  /** Adds 0.25 to every input value of samples 4 and later (the first block stays as validated). */
  private static void changeFromSampleFour(Path file) {
    FloatTensor x = Npy.readFloats(file);
    float[] v = x.data().clone();
    for (int k = 4 * x.sampleSize(); k < v.length; k++) {
      v[k] += 0.25f;
    }
    Npy.write(file, new FloatTensor(x.shape().clone(), v));
  }
}
