package io.lcnn.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The small reference model and data the Spark tests audit, and how they compare audit.json files. */
final class Fixture {
  private Fixture() {}

  /** A file of the mlp_softplus reference model's folder (28x28 inputs, 10 classes, 32 test and 32 train samples). */
  static Path file(String name) {
    return Path.of(System.getProperty("lcnn.fixtures", "../fixtures"), "torch-reference", "mlp_softplus", name);
  }

  /** {@code lcnn audit} of the fixture into {@code out}, 16 samples per split in blocks of 4, PGD at two radii, then {@code more}. */
  static String[] audit(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("audit", "--model", file("model.onnx").toString(),
        "--inputs", file("inputs.npy").toString(), "--labels", file("labels.npy").toString(),
        "--train-inputs", file("train_inputs.npy").toString(), "--train-labels", file("train_labels.npy").toString(),
        "--batch-size", "4", "--max-samples", "16", "--attack", "pgd", "--pgd-steps", "3", "--pgd-restarts", "1",
        "--eps", "0.5,2", "--self-check-samples", "2", "--out", out.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** Exit code and the last stderr line of {@code lcnn} with {@code args}. */
  static String[] run(List<String> args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(args.toArray(String[]::new));
    } finally {
      System.setErr(err);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    return new String[] {String.valueOf(code), lines[lines.length - 1]};
  }

  /** audit.json without what may differ between engines: the time it was written, the engine and the --spark option. */
  static JsonNode comparable(Path auditDir) {
    try {
      JsonNode j = AuditJson.mapper().readTree(auditDir.resolve("audit.json").toFile());
      ((ObjectNode) j).remove("createdAt");
      ((ObjectNode) j.get("provenance")).remove("engine");
      ((ObjectNode) j.get("settings").get("options")).remove("spark");
      ((ObjectNode) j.get("settings").get("options")).remove("workers");
      return j;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
