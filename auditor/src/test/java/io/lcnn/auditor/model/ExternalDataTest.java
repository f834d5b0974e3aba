package io.lcnn.auditor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's external-data boundary: valid external data is inlined byte for byte; every
 * location outside the model's folder, every size that does not match, and dims without data are
 * refused with one line naming the model file, the initializer and the location.
 */
class ExternalDataTest {
  @TempDir Path tmp;

  /** A 2x3 float Add model whose weight {@code w} is given by {@code w}. */
  private static OnnxMl.ModelProto model(OnnxMl.TensorProto w) {
    OnnxMl.TypeProto t = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
        .setElemType(1).setShape(OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(6)))).build();
    OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("g")
        .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(t))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(t))
        .addInitializer(w)
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
        .build();
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static OnnxMl.TensorProto external(List<Long> dims, String... keyValues) {
    OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addAllDims(dims)
        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL);
    for (int i = 0; i < keyValues.length; i += 2) {
      b.addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]));
    }
    return b.build();
  }

  private Path modelDir() throws IOException {
    return Files.createDirectories(tmp.resolve("m"));
  }

  @Test
  void externalDataAtAnOffsetIsInlinedByteForByte() throws IOException {
    Path dir = modelDir();
    byte[] w = floats(1, 2, 3, 4, 5, 6);
    byte[] file = new byte[8 + w.length + 4];
    System.arraycopy(w, 0, file, 8, w.length);
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/weights.bin"), file);
    OnnxMl.ModelProto m = model(external(List.of(6L), "location", "data/weights.bin", "offset", "8", "length", "24"));
    OnnxMl.ModelProto in = ExternalData.inline(dir.resolve("model.onnx"), m);
    OnnxMl.TensorProto t = in.getGraph().getInitializer(0);
    assertEquals(OnnxMl.TensorProto.DataLocation.DEFAULT, t.getDataLocation());
    assertEquals(0, t.getExternalDataCount());
    assertArrayEquals(w, t.getRawData().toByteArray());
  }

  @Test
  void modelTooLargeToInlineKeepsLargeTensorsAtTheirCheckedRealPaths() throws IOException {
    Path dir = modelDir();
    Files.write(dir.resolve("w.bin"), floats(1, 2, 3, 4, 5, 6));
    OnnxMl.ModelProto m = model(external(List.of(6L), "location", "w.bin"));
    OnnxMl.TensorProto t = ExternalData.inline(dir.resolve("model.onnx"), m, 16).getGraph().getInitializer(0);
    assertEquals(OnnxMl.TensorProto.DataLocation.EXTERNAL, t.getDataLocation());
    assertEquals(ExternalData.RESOLVED, t.getDocString());
    assertEquals(List.of("location", dir.toRealPath().resolve("w.bin").toString(), "offset", "0", "length", "24"),
        t.getExternalDataList().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList());
    OnnxMl.ModelProto again = ExternalData.inline(dir.resolve("model.onnx"), m.toBuilder().setGraph(m.getGraph().toBuilder()
        .setInitializer(0, t)).build());
    assertArrayEquals(floats(1, 2, 3, 4, 5, 6), again.getGraph().getInitializer(0).getRawData().toByteArray());
  }

  @Test
  void checkedMarkerDoesNotLetAnAbsoluteLocationLeaveTheFolder() throws IOException {
    Files.write(tmp.resolve("outside.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(6L), "location", tmp.resolve("outside.bin").toString()).toBuilder()
        .setDocString(ExternalData.RESOLVED).build());
    assertTrue(m.contains("outside the model's folder"), m);
  }

  @Test
  void modelWithoutExternalDataIsReturnedUnchanged() {
    OnnxMl.ModelProto m = model(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(6)
        .setRawData(ByteString.copyFrom(floats(1, 2, 3, 4, 5, 6))).build());
    assertTrue(m == ExternalData.inline(tmp.resolve("nowhere/model.onnx"), m));
  }

  private String refusal(OnnxMl.TensorProto w) throws IOException {
    Path dir = modelDir();
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ExternalData.inline(dir.resolve("model.onnx"), model(w)));
    assertTrue(e.getMessage().startsWith(dir.resolve("model.onnx").toString() + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void absoluteLocationIsRefusedWithoutOpeningIt() throws IOException {
    String m = refusal(external(List.of(6L), "location", "/etc/passwd"));
    assertTrue(m.contains("initializer 'w'") && m.contains("'/etc/passwd'") && m.contains("absolute"), m);
  }

  @Test
  void dotDotLocationIsRefusedEvenWhenTheFileExists() throws IOException {
    Files.write(tmp.resolve("outside.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(6L), "location", "../outside.bin"));
    assertTrue(m.contains("'../outside.bin'") && m.contains(".."), m);
  }

  /** Writes the six weights to {@code real} and links {@code m/link.bin} to it. */
  private Path linkedWeights(Path real) throws IOException {
    Path dir = modelDir();
    Files.write(real, floats(1, 2, 3, 4, 5, 6));
    Files.createSymbolicLink(dir.resolve("link.bin"), real);
    return dir;
  }

  @Test
  void symlinkLeavingTheFolderIsRefused() throws IOException {
    linkedWeights(tmp.resolve("outside.bin"));
    String m = refusal(external(List.of(6L), "location", "link.bin"));
    assertTrue(m.contains("'link.bin'") && m.contains("outside the model's folder"), m);
  }

  @Test
  void symlinkInsideTheFolderIsFollowed() throws IOException {
    Path dir = linkedWeights(modelDir().resolve("real.bin"));
    OnnxMl.ModelProto in = ExternalData.inline(dir.resolve("model.onnx"), model(external(List.of(6L), "location", "link.bin")));
    assertArrayEquals(floats(1, 2, 3, 4, 5, 6), in.getGraph().getInitializer(0).getRawData().toByteArray());
  }

  @Test
  void missingFileIsRefused() throws IOException {
    String m = refusal(external(List.of(6L), "location", "absent.bin"));
    assertTrue(m.contains("'absent.bin'") && m.contains("cannot be opened"), m);
  }

  @Test
  void offsetPastTheEndIsRefused() throws IOException {
    Files.write(modelDir().resolve("w.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(6L), "location", "w.bin", "offset", "100"));
    assertTrue(m.contains("offset 100") && m.contains("24 bytes"), m);
  }

  @Test
  void lengthPastTheEndIsRefused() throws IOException {
    Files.write(modelDir().resolve("w.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(6L), "location", "w.bin", "offset", "4", "length", "24"));
    assertTrue(m.contains("length 24") && m.contains("past the end"), m);
  }

  @Test
  void negativeOffsetIsRefused() throws IOException {
    Files.write(modelDir().resolve("w.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(6L), "location", "w.bin", "offset", "-4"));
    assertTrue(m.contains("offset -4 is negative"), m);
  }

  @Test
  void dimsLargerThanTheExternalDataAreRefusedBeforeReading() throws IOException {
    Files.write(modelDir().resolve("w.bin"), floats(1, 2, 3, 4, 5, 6));
    String m = refusal(external(List.of(100000L, 100000L, 100L), "location", "w.bin"));
    assertTrue(m.contains("[100000, 100000, 100]") && m.contains("4000000000000 bytes") && m.contains("holds 24 bytes"), m);
  }

  @Test
  void declaredDimsWithoutAnyDataAreRefused() throws IOException {
    String m = refusal(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(100000).addDims(100000)
        .addDims(100).build());
    assertTrue(m.contains("initializer 'w'") && m.contains("1000000000000 values") && m.contains("no data"), m);
  }

  @Test
  void rawDataShorterThanTheDimsIsRefused() throws IOException {
    String m = refusal(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(6)
        .setRawData(ByteString.copyFrom(floats(1, 2, 3))).build());
    assertTrue(m.contains("(24 bytes) but holds 12 bytes"), m);
  }

  @Test
  void dimsWhoseProductOverflowsAreRefused() throws IOException {
    String m = refusal(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 40).addDims(1L << 40)
        .build());
    assertTrue(m.contains("overflows"), m);
  }

  @Test
  void negativeDimIsRefused() throws IOException {
    String m = refusal(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(-6).build());
    assertTrue(m.contains("negative dimension"), m);
  }

  @Test
  void controlCharactersInTheLocationDoNotReachTheMessage() throws IOException {
    String m = refusal(external(List.of(6L), "location", "/tmp/\u001b[2J\rx.bin"));
    assertTrue(!m.contains("\u001b") && !m.contains("\r") && m.contains("?[2J?x.bin"), m);
  }
}
