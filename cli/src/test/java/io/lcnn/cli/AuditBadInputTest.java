package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad input gives one line on stderr naming the file, exit code 2, and no audit.json. */
class AuditBadInputTest {
  private static final Path DIR =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus");

  @TempDir Path tmp;

  /** A bad-input case: how to make the files, and a word the message must contain. */
  record Case(String name, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("malformed-onnx", "model.onnx"),
        new Case("truncated-onnx", "model.onnx"),
        new Case("onnx-runtime-refuses", "model.onnx"),
        new Case("wrong-shape", "x.npy"),
        new Case("integer-inputs", "x.npy"),
        new Case("labels-out-of-range", "y.npy"),
        new Case("negative-label", "y.npy"),
        new Case("float-labels", "y.npy"),
        new Case("count-mismatch", "x.npy"),
        new Case("nan-input", "x.npy"),
        new Case("inf-input", "x.npy"),
        new Case("missing-inputs-file", "x.npy"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputGivesOneLineExit2AndNoAuditJson(Case c) throws IOException {
    byte[] model = Files.readAllBytes(DIR.resolve("model.onnx"));
    FloatTensor x = Npy.readFloats(DIR.resolve("inputs.npy")).slice(0, 4);
    int[] y = Arrays.copyOf(Npy.readLabels(DIR.resolve("labels.npy")), 4);
    Path m = tmp.resolve("model.onnx");
    Path xf = tmp.resolve("x.npy");
    Path yf = tmp.resolve("y.npy");
    Files.write(m, model);
    Npy.write(xf, x);
    Npy.writeLabels(yf, y);
    switch (c.name()) {
      case "malformed-onnx" -> Files.write(m, "this is not a protobuf at all".getBytes());
      case "truncated-onnx" -> Files.write(m, Arrays.copyOf(model, model.length / 2));
      case "onnx-runtime-refuses" -> {
        OnnxMl.ModelProto p = OnnxMl.ModelProto.parseFrom(model);
        OnnxMl.GraphProto.Builder g = p.getGraph().toBuilder();
        g.setNode(0, g.getNode(0).toBuilder().setOpType("NoSuchOperator"));
        Files.write(m, p.toBuilder().setGraph(g).build().toByteArray());
      }
      case "wrong-shape" -> Npy.write(xf, x.reshape(4, 784));
      case "integer-inputs" -> {
        ByteBuffer b = ByteBuffer.allocate(4 * 784 * 4).order(ByteOrder.LITTLE_ENDIAN);
        Npy.writeRaw(xf, "<i4", new long[] {4, 1, 28, 28}, b.array());
      }
      case "labels-out-of-range" -> {
        y[2] = 10;
        Npy.writeLabels(yf, y);
      }
      case "negative-label" -> {
        y[1] = -1;
        Npy.writeLabels(yf, y);
      }
      case "float-labels" -> Npy.write(yf, new FloatTensor(new long[] {4}, new float[] {1.5f, 0, 0, 0}));
      case "count-mismatch" -> Npy.writeLabels(yf, Arrays.copyOf(y, 3));
      case "nan-input" -> {
        x.data()[100] = Float.NaN;
        Npy.write(xf, x);
      }
      case "inf-input" -> {
        x.data()[900] = Float.POSITIVE_INFINITY;
        Npy.write(xf, x);
      }
      case "missing-inputs-file" -> Files.delete(xf);
      default -> throw new IllegalStateException(c.name());
    }
    Path out = tmp.resolve("out");
    CliRun r = CliRun.of("audit", "--model", m.toString(), "--inputs", xf.toString(), "--labels", yf.toString(),
        "--out", out.toString(), "--gradients", "finite-difference", "--eigen-iters", "1", "--self-check-samples", "0");
    assertEquals(2, r.exitCode(), c + ": " + r.err());
    assertEquals(1, r.err().lines().count(), c + " printed: " + r.err());
    assertTrue(r.err().contains(c.expected()), c + " message names the file: " + r.err());
    assertFalse(Files.exists(out.resolve("audit.json")), c + " left an audit.json");
  }
}
