package io.lcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
  private static final Path SUBSET = Path.of(System.getProperty("lcnn.fixtures"), "fashion-mnist-subset");

  @Test
  void embeddedSubsetReadsAsImagesInUnitRangeWithTenClasses() {
    LabeledData test = FashionMnist.test(SUBSET);
    assertArrayEquals(new long[] {1000, 1, 28, 28}, test.inputs().shape());
    int[] counts = new int[10];
    for (int y : test.labels()) {
      counts[y]++;
    }
    for (int c : counts) {
      assertTrue(c > 50, "every class is present");
    }
    float max = 0;
    for (float v : test.inputs().data()) {
      assertTrue(v >= 0f && v <= 1f);
      max = Math.max(max, v);
    }
    assertEquals(1f, max, 0f, "some pixel is 255/255");
    assertEquals(6000, FashionMnist.train(SUBSET).size());
  }

  @Test
  void truncatedIdxFileIsRefusedWithItsName(@TempDir Path tmp) throws Exception {
    byte[] raw = new byte[16 + 100];
    java.nio.ByteBuffer.wrap(raw).putInt(0x803).putInt(10).putInt(28).putInt(28);
    Path f = tmp.resolve("images-idx3-ubyte");
    Files.write(f, raw);
    DatasetException e = assertThrows(DatasetException.class, () -> IdxFile.readImages(f));
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void labelFileIsNotAcceptedAsImages() {
    Path labels = SUBSET.resolve("t10k-labels-idx1-ubyte.gz");
    DatasetException e = assertThrows(DatasetException.class, () -> IdxFile.readImages(labels));
    assertTrue(e.getMessage().contains("not an IDX image file"), e.getMessage());
  }
}
