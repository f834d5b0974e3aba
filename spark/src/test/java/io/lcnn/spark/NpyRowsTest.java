package io.lcnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Rows of an .npy file read by range through Hadoop's file system equal the same rows of the whole file. */
class NpyRowsTest {
  @Test
  void aRangeOfRowsEqualsThoseRowsOfTheWholeFile() {
    Path file = Fixture.file("inputs.npy");
    FloatTensor all = Npy.readFloats(file);
    NpyRows rows = NpyRows.open(NpyRows.uriOf(file.toString()), new Configuration());
    assertEquals(32, rows.shape()[0]);
    assertEquals(all.sampleSize(), rows.rowSize());
    FloatTensor part = rows.read(12, 5, new Configuration());
    assertArrayEquals(new long[] {5, 1, 28, 28}, part.shape());
    assertArrayEquals(Arrays.copyOfRange(all.data(), 12 * all.sampleSize(), 17 * all.sampleSize()), part.data());
    assertNull(NpyRows.open(NpyRows.uriOf(Fixture.file("labels.npy").toString()), new Configuration()), "integer arrays are not rows of inputs");
  }
}
