package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs against the CLI, generated here from the small mlp_softplus fixture: malformed,
 * truncated and random models, unknown ops, cycles, huge declared dims, external data leaving the
 * folder, control characters, bad .npy/IDX/gzip headers, folders given as files, 64-bit labels,
 * out-of-range inputs, --out variants, policies the audit cannot meet, and hand-edited audit.json
 * files. Each case asserts the exit code, a single stderr line naming the file and field, and the
 * state of --out afterwards (absent, or the file that was there untouched).
 */
class HostileInputTest {
  private static final Path DIR =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus")
          .toAbsolutePath();

  @TempDir static Path tmp;
  private static byte[] modelBytes;
  private static Path model;
  private static Path inputs;
  private static Path labels;
  private static Path audit;

  @BeforeAll
  static void fixtures() throws IOException {
    modelBytes = Files.readAllBytes(DIR.resolve("model.onnx"));
    Path base = Files.createDirectories(tmp.resolve("base"));
    model = base.resolve("model.onnx");
    Files.write(model, modelBytes);
    inputs = base.resolve("x.npy");
    labels = base.resolve("y.npy");
    Npy.write(inputs, Npy.readFloats(DIR.resolve("inputs.npy")).slice(0, 4));
    Npy.writeLabels(labels, Arrays.copyOf(Npy.readLabels(DIR.resolve("labels.npy")), 4));
    Path good = tmp.resolve("good");
    CliRun r = CliRun.of(auditArgs(model, inputs, labels, good, "--attack", "pgd", "--pgd-eps", "0.5", "--pgd-steps", "2",
        "--pgd-restarts", "1", "--stability-radii", "0.01"));
    assertEquals(0, r.exitCode(), r.err());
    audit = good.resolve("audit.json");
  }

  private static String[] auditArgs(Path m, Path x, Path y, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("audit", "--model", m.toString(), "--inputs", x.toString(), "--labels",
        y.toString(), "--out", out.toString(), "--max-samples", "4", "--eigen-iters", "3", "--self-check-samples", "0"));
    a.addAll(List.of(more));
    if (!a.contains("--attack")) {
      a.addAll(List.of("--attack", "none"));
    }
    return a.toArray(String[]::new);
  }

  /** One hostile case: the command it runs, the exit code and the words its one line must hold. */
  private record Case(String name, String[] args, int exit, List<String> words, Path out, byte[] outBefore) {}

  private static final List<Case> CASES = new ArrayList<>();

  private static Path dir(String name) {
    try {
      return Files.createDirectories(tmp.resolve("cases").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An audit of a hostile model file written by {@code bytes}; --out must not appear. */
  private static void modelCase(String name, byte[] bytes, String... words) {
    Path d = dir(name);
    Path m = d.resolve("model.onnx");
    write(m, bytes);
    List<String> w = new ArrayList<>(List.of(m.toString()));
    w.addAll(List.of(words));
    CASES.add(new Case(name, auditArgs(m, inputs, labels, d.resolve("out")), 2, w, d.resolve("out"), null));
  }

  /** An audit with a hostile file in place of the inputs or labels. */
  private static void dataCase(String name, boolean asLabels, byte[] bytes, String... words) {
    Path d = dir(name);
    Path f = d.resolve(asLabels ? "labels.bin" : "inputs.bin");
    write(f, bytes);
    List<String> w = new ArrayList<>(List.of(f.toString()));
    w.addAll(List.of(words));
    CASES.add(new Case(name, auditArgs(model, asLabels ? inputs : f, asLabels ? f : labels, d.resolve("out")), 2, w,
        d.resolve("out"), null));
  }

  /** {@code lcnn gate} on a copy of the good audit.json edited as text by {@code edit}. */
  private static void auditJsonCase(String name, java.util.function.UnaryOperator<String> edit, String... words) {
    Path d = dir(name);
    Path f = d.resolve("audit.json");
    try {
      write(f, edit.apply(Files.readString(audit)).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> w = new ArrayList<>(List.of(f.toString()));
    w.addAll(List.of(words));
    CASES.add(new Case(name, new String[] {"report", f.toString(), "--out", d.resolve("r.html").toString()}, 2, w,
        d.resolve("r.html"), null));
  }

  /**
   * {@code lcnn report} on a copy of the whole good audit folder changed by {@code edit} after it
   * was written (files mixed with another run's, or lost).
   */
  private static void folderCase(String name, java.util.function.Consumer<Path> edit, String... words) {
    Path d = dir(name).resolve("audit");
    try (Stream<Path> s = Files.walk(audit.getParent())) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = d.resolve(audit.getParent().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    edit.accept(d);
    List<String> w = new ArrayList<>(List.of(d.toString()));
    w.addAll(List.of(words));
    CASES.add(new Case(name, new String[] {"report", d.resolve("audit.json").toString(), "--out",
        dir(name).resolve("r.html").toString()}, 2, w, dir(name).resolve("r.html"), null));
  }

  /** An audit (attacks off) with a hostile policy.json; it must be refused before any work (no --out). */
  private static void policyCase(String name, String json, String... words) {
    attackedPolicyCase(name, json, "none", words);
  }

  private static void attackedPolicyCase(String name, String json, String attack, String... words) {
    Path d = dir(name);
    Path p = d.resolve("policy.json");
    write(p, json.getBytes(StandardCharsets.UTF_8));
    List<String> w = new ArrayList<>(List.of(p.toString()));
    w.addAll(List.of(words));
    CASES.add(new Case(name, auditArgs(model, inputs, labels, d.resolve("out"), "--policy", p.toString(), "--attack", attack), 2, w,
        d.resolve("out"), null));
  }

  private static OnnxMl.ModelProto proto() {
    try {
      return OnnxMl.ModelProto.parseFrom(modelBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] withGraph(java.util.function.UnaryOperator<OnnxMl.GraphProto.Builder> edit) {
    OnnxMl.ModelProto m = proto();
    return m.toBuilder().setGraph(edit.apply(m.getGraph().toBuilder())).build().toByteArray();
  }

  private static byte[] npyHeader(int version, String header, int declaredLength) {
    ByteBuffer b = ByteBuffer.allocate(12 + header.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    b.putInt(declaredLength);
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  private static byte[] npy(String shape, String dtype, int payloadBytes) {
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    ByteBuffer b = ByteBuffer.allocate(10 + dict.length() + payloadBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length());
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  private static byte[] idx(int magic, int... header) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(bytes)) {
      o.writeInt(magic);
      for (int h : header) {
        o.writeInt(h);
      }
      o.write(new byte[64]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] b, int keep) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bytes)) {
      g.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Arrays.copyOf(bytes.toByteArray(), Math.min(keep, bytes.size()));
  }

  private static void cases() throws IOException {
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    modelCase("model-random-bytes", random, "not a valid ONNX model");
    modelCase("model-empty-file", new byte[0], "not a valid ONNX model");
    modelCase("model-truncated-in-half", Arrays.copyOf(modelBytes, modelBytes.length / 2));
    modelCase("model-unknown-op", withGraph(g -> g.setNode(1, g.getNode(1).toBuilder().setOpType("NoSuchOp"))));
    modelCase("model-cycle", withGraph(g -> g.setNode(1, g.getNode(1).toBuilder().setInput(0, g.getNode(g.getNodeCount() - 1).getOutput(0)))));
    modelCase("model-huge-declared-dims-without-data", withGraph(g -> g.setInitializer(0, g.getInitializer(0).toBuilder()
        .clearRawData().clearDims().addDims(100000).addDims(100000).addDims(100))),
        "initializer '1.weight'", "1000000000000 values", "no data");
    modelCase("model-external-data-absolute", withGraph(g -> g.setInitializer(0, g.getInitializer(0).toBuilder()
        .clearRawData().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL).addExternalData(
            OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("/etc/passwd")))),
        "initializer '1.weight'", "'/etc/passwd'", "absolute");
    modelCase("model-control-characters-in-names", withGraph(g -> g.setNode(1, g.getNode(1).toBuilder()
        .setOpType("Evil\u001b[31mOp\r").setName("node\u001b]0;title\u0007"))));
    modelCase("model-raw-data-shorter-than-dims", withGraph(g -> g.setInitializer(0, g.getInitializer(0).toBuilder()
        .setRawData(ByteString.copyFrom(new byte[100])))), "initializer '1.weight'", "holds 100 bytes");
    Path folderModel = Files.createDirectories(dir("model-is-a-folder").resolve("model.onnx"));
    CASES.add(new Case("model-is-a-folder", auditArgs(folderModel, inputs, labels, dir("model-is-a-folder").resolve("out")),
        2, List.of(folderModel.toString()), dir("model-is-a-folder").resolve("out"), null));

    dataCase("npy-negative-shape", false, npy("(-6272, 784)", "<f4", 64), "negative dimension -6272");
    dataCase("npy-header-length-2^31", false, npyHeader(2, "{'descr': '<f4'}", Integer.MIN_VALUE), "header length 2147483648");
    dataCase("npy-shape-overflow", false, npy("(4294967296, 4294967296, 4294967296)", "<f4", 64), "long can count");
    dataCase("npy-truncated-data", false, npy("(4, 1, 28, 28)", "<f4", 100), "truncated");
    dataCase("npy-bad-dtype", false, npy("(4, 1, 28, 28)", "<f9x", 64), "dtype");
    dataCase("npy-not-npy", false, "hello".repeat(10).getBytes(StandardCharsets.UTF_8), "neither a .npy array nor an IDX file");
    ByteBuffer big = ByteBuffer.allocate(4 * 8).order(ByteOrder.LITTLE_ENDIAN);
    big.putLong(1).putLong(1L << 40).putLong(2).putLong(3);
    Path bigLabels = dir("labels-2^40").resolve("labels.bin");
    Npy.writeRaw(bigLabels, "<i8", new long[] {4}, big.array());
    CASES.add(new Case("labels-2^40", auditArgs(model, inputs, bigLabels, dir("labels-2^40").resolve("out")), 2,
        List.of(bigLabels.toString(), "1099511627776"), dir("labels-2^40").resolve("out"), null));
    dataCase("idx-count-overflow", false, idx(0x803, 1 << 30, 1 << 20, 1 << 20), "declares more than 2^31 bytes");
    dataCase("idx-negative-count", false, idx(0x803, -5, 28, 28), "negative size");
    dataCase("idx-labels-truncated", true, idx(0x801, 1000), "truncated");
    dataCase("idx-gzip-truncated", false, gzip(idx(0x803, 4, 28, 28), 30), "truncated");
    byte[] badGzip = new byte[64];
    badGzip[0] = 0x1f;
    badGzip[1] = (byte) 0x8b;
    dataCase("idx-gzip-corrupt", false, badGzip, "not a valid gzip file");
    Path folderInputs = Files.createDirectories(dir("inputs-is-a-folder").resolve("x.npy"));
    CASES.add(new Case("inputs-is-a-folder", auditArgs(model, folderInputs, labels, dir("inputs-is-a-folder").resolve("out")),
        2, List.of(folderInputs.toString(), "is a folder"), dir("inputs-is-a-folder").resolve("out"), null));
    FloatTensor x = Npy.readFloats(inputs);
    float[] v = x.data().clone();
    v[5] = 2.5f;
    Path outOfRange = dir("inputs-outside-range").resolve("x.npy");
    Npy.write(outOfRange, new FloatTensor(x.shape(), v));
    CASES.add(new Case("inputs-outside-range", auditArgs(model, outOfRange, labels, dir("inputs-outside-range").resolve("out"),
        "--attack", "pgd"), 2, List.of(outOfRange.toString(), "2.5", "input range"),
        dir("inputs-outside-range").resolve("out"), null));
    Path noise = dir("noise-wrong-shape").resolve("noise.npy");
    Npy.write(noise, new FloatTensor(new long[] {2, 3}, new float[6]));
    CASES.add(new Case("noise-wrong-shape", auditArgs(model, inputs, labels, dir("noise-wrong-shape").resolve("out"),
        "--attack", "pgd", "--noise", noise.toString()), 2, List.of(noise.toString(), "shape"),
        dir("noise-wrong-shape").resolve("out"), null));

    Path outFile = dir("out-is-a-file").resolve("out");
    write(outFile, "keep me".getBytes(StandardCharsets.UTF_8));
    CASES.add(new Case("out-is-a-file", auditArgs(model, inputs, labels, outFile), 2,
        List.of("--out " + outFile, "not a folder"), outFile, "keep me".getBytes(StandardCharsets.UTF_8)));
    Path belowFile = outFile.resolve("sub");
    CASES.add(new Case("out-below-a-file", auditArgs(model, inputs, labels, belowFile), 2,
        List.of("--out " + belowFile, "which is a file"), outFile, "keep me".getBytes(StandardCharsets.UTF_8)));

    attackedPolicyCase("policy-eps-not-attacked", "{\"min-robust-accuracy\": {\"0.3\": 0.5}}", "pgd", "min-robust-accuracy 0.3",
        "--pgd-eps");
    policyCase("policy-needs-attacks", "{\"min-robust-accuracy\": {\"0.1\": 0.5}}", "min-robust-accuracy 0.1",
        "--attack is none");
    Path dumpFolder = Files.createDirectories(dir("dump-gradients-is-a-folder").resolve("g.npy"));
    CASES.add(new Case("dump-gradients-is-a-folder", auditArgs(model, inputs, labels,
        dir("dump-gradients-is-a-folder").resolve("out"), "--dump-gradients", dumpFolder.toString()), 2,
        List.of("--dump-gradients " + dumpFolder, "is a folder"), dir("dump-gradients-is-a-folder").resolve("out"), null));
    Path dumpBelowFile = outFile.resolve("g.npy");
    CASES.add(new Case("dump-hvp-below-a-file", auditArgs(model, inputs, labels, dir("dump-hvp-below-a-file").resolve("out"),
        "--hvp-probe", inputs.toString(), "--dump-hvp", dumpBelowFile.toString()), 2,
        List.of("--dump-hvp " + dumpBelowFile, "which is a file"), dir("dump-hvp-below-a-file").resolve("out"), null));
    policyCase("policy-needs-train-split", "{\"max-discrepancy\": {\"curvature\": 0.2}}", "train split");
    policyCase("policy-baseline-missing", "{\"baseline\": \"nowhere/audit.json\"}", "'baseline'", "nowhere/audit.json");
    policyCase("policy-duplicate-key", "{\"min-accuracy\": 0.5, \"min-accuracy\": 0.1}", "min-accuracy");
    policyCase("policy-trailing-data", "{\"min-accuracy\": 0.5} {\"x\": 1}", "not valid JSON");
    policyCase("policy-accuracy-1.5", "{\"min-accuracy\": 1.5}", "'min-accuracy'", "1.5");
    policyCase("policy-curvature-negative", "{\"max-curvature\": {\"p90\": -1}}", "'max-curvature.p90'", "-1");
    policyCase("policy-threshold-1e400", "{\"max-curvature\": {\"p90\": 1e400}}", "'max-curvature.p90'", "finite");
    policyCase("policy-number-as-string", "{\"min-accuracy\": \"0.5\"}", "'min-accuracy'", "string");

    auditJsonCase("audit-json-negative-curvature", s -> s.replaceFirst("\"curvature\" : [0-9.eE+-]+", "\"curvature\" : -5"),
        "curvature", "-5");
    auditJsonCase("audit-json-accuracy-7.5", s -> s.replaceFirst("\"accuracy\" : [0-9.eE+-]+", "\"accuracy\" : 7.5"),
        "accuracy", "7.5");
    auditJsonCase("audit-json-duplicate-key", s -> s.replaceFirst("\\{", "{ \"schemaVersion\" : 1,"), "schemaVersion");
    auditJsonCase("audit-json-trailing-garbage", s -> s + "\n{\"more\": 1}", "not a complete audit.json");
    auditJsonCase("audit-json-schema-version-string", s -> s.replaceFirst("\"schemaVersion\" : 1", "\"schemaVersion\" : \"1\""),
        "'schemaVersion'", "\"1\"");
    auditJsonCase("audit-json-count-as-string", s -> s.replaceFirst("\"count\" : ([0-9]+)", "\"count\" : \"$1\""), "count");
    auditJsonCase("audit-json-gallery-absolute", s -> s.replaceFirst("\"galleryInputs\" : \"[^\"]*\"",
        "\"galleryInputs\" : \"/etc/passwd\""), "artifacts.galleryInputs", "/etc/passwd");
    auditJsonCase("audit-json-gallery-dot-dot", s -> s.replaceFirst("\"galleryInputs\" : \"[^\"]*\"",
        "\"galleryInputs\" : \"../../good/gallery/inputs.npy\""), "artifacts.galleryInputs", "..");

    folderCase("audit-folder-mixed-gallery", d -> write(d.resolve("gallery/adversarial.npy"), random),
        "gallery/adversarial.npy differs from the file the audit wrote");
    folderCase("audit-folder-gallery-lost", d -> {
      try {
        Files.delete(d.resolve("gallery/gradients.npy"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "gallery/gradients.npy is missing");
    Path htmlFolder = Files.createDirectories(dir("report-out-is-a-folder").resolve("r.html"));
    CASES.add(new Case("report-out-is-a-folder", new String[] {"report", audit.toString(), "--out", htmlFolder.toString()}, 2,
        List.of("--out " + htmlFolder, "is a folder"), null, null));
    Path junitBelowFile = outFile.resolve("junit.xml");
    CASES.add(new Case("gate-junit-below-a-file", new String[] {"gate", audit.toString(), "--min-accuracy", "0",
        "--junit", junitBelowFile.toString()}, 2, List.of("--junit " + junitBelowFile, "which is a file"), outFile,
        "keep me".getBytes(StandardCharsets.UTF_8)));
    CASES.add(new Case("gate-min-accuracy-flag-1.5", new String[] {"gate", audit.toString(), "--min-accuracy", "1.5"}, 2,
        List.of("--min-accuracy", "1.5", "[0, 1]"), null, null));
    CASES.add(new Case("unknown-flag", new String[] {"audit", "--model", model.toString(), "--pgd-ep", "0.1"}, 2,
        List.of("unknown option --pgd-ep", "did you mean --pgd-eps?"), null, null));
  }

  @TestFactory
  Stream<DynamicTest> hostileInputGivesOneLineNamingTheFileAndLeavesOutAsBefore() throws IOException {
    cases();
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      CliRun r = CliRun.of(c.args());
      assertEquals(c.exit(), r.exitCode(), c.name() + ": " + r.err());
      assertEquals(1, r.err().lines().count(), c.name() + " printed: " + r.err());
      for (String w : c.words()) {
        assertTrue(r.err().contains(w), c.name() + ": the message lacks '" + w + "': " + r.err());
      }
      assertFalse(r.err().chars().anyMatch(ch -> ch < 0x20 && ch != '\n' || ch == 0x7f), c.name() + ": control characters");
      if (c.out() != null) {
        if (c.outBefore() == null) {
          assertFalse(Files.exists(c.out()), c.name() + ": left " + c.out());
        } else {
          assertTrue(Arrays.equals(c.outBefore(), Files.readAllBytes(c.out())), c.name() + ": changed " + c.out());
        }
        try (Stream<Path> s = Files.list(c.out().getParent())) {
          assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".staging-")).toList(),
              c.name() + ": staging folder left");
        }
      }
    }));
  }
}
