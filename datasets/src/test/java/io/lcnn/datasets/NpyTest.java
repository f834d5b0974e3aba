package io.lcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  private static Path fixtures() {
    return Path.of(System.getProperty("lcnn.fixtures"));
  }

  @Test
  void readsNumpyWrittenFloat32AndInt64Arrays() {
    Path dir = fixtures().resolve("torch-reference/mlp_softplus");
    FloatTensor x = Npy.readFloats(dir.resolve("inputs.npy"));
    assertArrayEquals(new long[] {32, 1, 28, 28}, x.shape());
    for (float v : x.data()) {
      assertTrue(v >= 0f && v <= 1f, "pixel out of [0,1]: " + v);
    }
    int[] y = Npy.readLabels(dir.resolve("labels.npy"));
    assertEquals(32, y.length);
    for (int v : y) {
      assertTrue(v >= 0 && v < 10);
    }
  }

  @Test
  void writeThenReadRoundTripsExactly(@TempDir Path tmp) {
    FloatTensor t = new FloatTensor(new long[] {2, 3}, new float[] {1.5f, -2f, 0f, Float.MIN_VALUE, 3e30f, -7f});
    Npy.write(tmp.resolve("a.npy"), t);
    assertEquals(t, Npy.readFloats(tmp.resolve("a.npy")));
    Npy.writeLabels(tmp.resolve("l.npy"), new int[] {3, 0, 9});
    assertArrayEquals(new int[] {3, 0, 9}, Npy.readLabels(tmp.resolve("l.npy")));
  }

  @Test
  void truncatedFileIsRefusedWithItsName(@TempDir Path tmp) throws Exception {
    Path src = fixtures().resolve("torch-reference/mlp_softplus/inputs.npy");
    byte[] b = Files.readAllBytes(src);
    Path cut = tmp.resolve("cut.npy");
    Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
    DatasetException e = assertThrows(DatasetException.class, () -> Npy.readFloats(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void integerArrayIsRefusedAsFloats() {
    Path labels = fixtures().resolve("torch-reference/mlp_softplus/labels.npy");
    DatasetException e = assertThrows(DatasetException.class, () -> Npy.readFloats(labels));
    assertTrue(e.getMessage().contains("expected a float array"), e.getMessage());
  }
}
