package io.lcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryTest {
  @TempDir Path dir;

  private static byte[] records(int labelBytes, int[] labels) {
    int rec = labelBytes + 3072;
    byte[] b = new byte[labels.length * rec];
    for (int n = 0; n < labels.length; n++) {
      if (labelBytes == 2) {
        b[n * rec] = 7;
      }
      b[n * rec + labelBytes - 1] = (byte) labels[n];
      for (int i = 0; i < 3072; i++) {
        b[n * rec + labelBytes + i] = (byte) ((i * 7 + n) % 256);
      }
    }
    return b;
  }

  @Test
  void readsCifar10RecordsChannelMajorInUnitRange() throws Exception {
    for (int i = 1; i <= 5; i++) {
      Files.write(dir.resolve("data_batch_" + i + ".bin"), records(1, new int[] {i, 9}));
    }
    Files.write(dir.resolve("test_batch.bin"), records(1, new int[] {3}));
    Files.writeString(dir.resolve("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    LabeledData train = CifarBinary.train(dir, CifarBinary.Variant.CIFAR10);
    assertEquals(10, train.size());
    assertArrayEquals(new long[] {10, 3, 32, 32}, train.inputs().shape());
    assertArrayEquals(new int[] {1, 9, 2, 9, 3, 9, 4, 9, 5, 9}, train.labels());
    // sample 1, green channel (offset 1024), row 2, column 5: byte ((1024+69)*7 + 1) % 256
    int i = 1024 + 2 * 32 + 5;
    assertEquals(((i * 7 + 1) % 256) / 255f, train.inputs().data()[3072 + i]);
    assertEquals(3, CifarBinary.test(dir, CifarBinary.Variant.CIFAR10).labels()[0]);
    assertEquals("cat", CifarBinary.classNames(dir, CifarBinary.Variant.CIFAR10)[3]);
  }

  @Test
  void readsCifar100FineLabels() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("cifar-100-binary"));
    Files.write(sub.resolve("train.bin"), records(2, new int[] {99, 0, 42}));
    LabeledData train = CifarBinary.train(dir, CifarBinary.Variant.CIFAR100);
    assertArrayEquals(new int[] {99, 0, 42}, train.labels());
    assertEquals("class 5", CifarBinary.classNames(dir, CifarBinary.Variant.CIFAR100)[5]);
  }

  @Test
  void truncatedFileIsRefusedWithItsName() throws Exception {
    Files.write(dir.resolve("test_batch.bin"), new byte[3073 + 100]);
    DatasetException e = assertThrows(DatasetException.class, () -> CifarBinary.test(dir, CifarBinary.Variant.CIFAR10));
    assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
  }

  @Test
  void labelOutOfRangeIsRefused() throws Exception {
    Files.write(dir.resolve("test_batch.bin"), records(1, new int[] {10}));
    assertThrows(DatasetException.class, () -> CifarBinary.test(dir, CifarBinary.Variant.CIFAR10));
  }

  @Test
  void missingFolderIsRefused() {
    assertThrows(DatasetException.class, () -> CifarBinary.train(dir.resolve("nope"), CifarBinary.Variant.CIFAR10));
  }
}
