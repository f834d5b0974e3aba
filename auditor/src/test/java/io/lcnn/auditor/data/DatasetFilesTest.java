package io.lcnn.auditor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFilesTest {
  @TempDir Path tmp;

  private static byte[] idxImages(int n, boolean gzip) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes)) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(2);
      out.writeInt(2);
      for (int i = 0; i < n * 4; i++) {
        out.writeByte(i * 17);
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] idxLabels(int... labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x801);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.writeByte(l);
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void readsGzippedIdxImagesWithPlainIdxLabelsScaledToUnitRange() throws IOException {
    Path x = tmp.resolve("images.whatever");
    Path y = tmp.resolve("labels.bin");
    Files.write(x, idxImages(2, true));
    Files.write(y, idxLabels(3, 7));
    LabeledData d = DatasetFiles.read(x, y);
    assertArrayEquals(new long[] {2, 1, 2, 2}, d.inputs().shape());
    assertEquals(17 / 255f, d.inputs().data()[1], 0f);
    assertArrayEquals(new int[] {3, 7}, d.labels());
  }

  @Test
  void readsNpyInputsWithIdxLabels() throws IOException {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.idx");
    Npy.write(x, new FloatTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    Files.write(y, idxLabels(0, 1));
    LabeledData d = DatasetFiles.read(x, y);
    assertEquals(6f, d.inputs().data()[5], 0f);
    assertEquals(DatasetFiles.Format.IDX, DatasetFiles.format(y));
  }

  @Test
  void refusesUnknownFilesCountMismatchAndGzippedNpyNamingTheFile() throws IOException {
    Path junk = tmp.resolve("junk.txt");
    Files.writeString(junk, "hello world");
    var e1 = assertThrows(DatasetException.class, () -> DatasetFiles.readInputs(junk));
    assertTrue(e1.getMessage().startsWith(junk.toString()), e1.getMessage());

    Path x = tmp.resolve("x.idx");
    Path y = tmp.resolve("y.idx");
    Files.write(x, idxImages(3, false));
    Files.write(y, idxLabels(1, 2));
    var e2 = assertThrows(DatasetException.class, () -> DatasetFiles.read(x, y));
    assertTrue(e2.getMessage().contains("3 inputs") && e2.getMessage().contains("2 labels"), e2.getMessage());

    Path npy = tmp.resolve("a.npy");
    Npy.write(npy, new FloatTensor(new long[] {1}, new float[] {1}));
    Path gz = tmp.resolve("a.npy.gz");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(b)) {
      out.write(Files.readAllBytes(npy));
    }
    Files.write(gz, b.toByteArray());
    var e3 = assertThrows(DatasetException.class, () -> DatasetFiles.readInputs(gz));
    assertTrue(e3.getMessage().contains("gzip"), e3.getMessage());
  }
}
