package io.lcnn.auditor.api;

import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOption;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.ProgressListener;
import io.lcnn.auditor.data.DatasetFiles;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.datasets.LabeledData;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Builds and runs an audit of an ONNX classifier from Java: geometry (gradient norms, Hessian
 * spectral norms, curvature C_f per sample and per split), the self-check and, unless
 * {@code attack("none")}, l2 attacks, gradient stability and gradient-masking checks. Every
 * setting is an {@link AuditOptions} entry with the command line's default; the result is the
 * content of {@code audit.json} ({@link AuditResult}).
 *
 * <pre>{@code
 * AuditResult r = Audit.of(Path.of("model.onnx"))
 *     .inputs(Path.of("x_test.npy")).labels(Path.of("y_test.npy"))
 *     .eps(0.05, 0.1)          // l2 attack radii, input units
 *     .maxSamples(200)
 *     .workers(2)              // parallel ONNX Runtime sessions
 *     .run();
 * double p90 = r.splits().get("test").summary().curvature().p90();
 * }</pre>
 *
 * <p>{@link #run()} opens the ONNX Runtime sessions (one set per worker), audits and closes them
 * before it returns, so an {@code Audit} holds no native resources and needs no closing. Bad
 * input throws an {@link IllegalArgumentException} (or a subclass) whose message is one line
 * naming the file or option.
 */
public final class Audit {
  private final Path model;
  private Path inputs;
  private Path labels;
  private Path trainInputs;
  private Path trainLabels;
  private LabeledData test;
  private LabeledData train;
  private Path outputDir;
  private AuditOptions options = AuditOptions.defaults();
  private PrintStream notices = new PrintStream(OutputStream.nullOutputStream());

  private Audit(Path model) {
    this.model = model;
  }

  /** An audit of the ONNX model at {@code model}, every option at its default. */
  public static Audit of(Path model) {
    return new Audit(model);
  }

  /** Test inputs: a .npy float array [N, ...input shape] or IDX images. */
  public Audit inputs(Path file) {
    this.inputs = file;
    return this;
  }

  /** Test labels: a .npy integer array [N] or IDX labels. */
  public Audit labels(Path file) {
    this.labels = file;
    return this;
  }

  /** In-memory test samples instead of files. */
  public Audit test(LabeledData samples) {
    this.test = samples;
    return this;
  }

  /** A training split (files), which adds the train–test discrepancy. */
  public Audit train(Path inputsFile, Path labelsFile) {
    this.trainInputs = inputsFile;
    this.trainLabels = labelsFile;
    return this;
  }

  /** A training split in memory. */
  public Audit train(LabeledData samples) {
    this.train = samples;
    return this;
  }

  /** l2 attack radii in input units. */
  public Audit eps(double... radii) {
    return set(AuditOptions.PGD_EPS, Arrays.stream(radii).sorted().distinct().boxed().toList());
  }

  /** Audits at most {@code n} samples per split (0: all). */
  public Audit maxSamples(int n) {
    return set(AuditOptions.MAX_SAMPLES, n);
  }

  /** Parallel workers, each with its own ONNX Runtime sessions. */
  public Audit workers(int n) {
    return set(AuditOptions.WORKERS, n);
  }

  /** {@code pgd}, {@code apgd}, {@code both} or {@code none} (geometry and self-check only). */
  public Audit attack(String kind) {
    return set(AuditOptions.ATTACK, AuditOptions.ATTACK.parse(kind));
  }

  /** Seed of every random draw. */
  public Audit seed(long seed) {
    return set(AuditOptions.SEED, seed);
  }

  /** Any audit option (see {@link AuditOptions} for the entries). */
  public <T> Audit set(AuditOption<T> option, T value) {
    options = options.with(option, value);
    return this;
  }

  /** All options at once. */
  public Audit options(AuditOptions all) {
    options = all;
    return this;
  }

  /** Folder for the report's gallery arrays (and where {@code --save-adversarial} paths are relative to). */
  public Audit outputDir(Path dir) {
    this.outputDir = dir;
    return this;
  }

  /** Where one-line notices (fallbacks, device) go; by default nowhere. */
  public Audit notices(PrintStream out) {
    this.notices = out;
    return this;
  }

  /** The options as set so far. */
  public AuditOptions options() {
    return options;
  }

  /** Runs the audit and returns the audit.json content. */
  public AuditResult run() {
    LabeledData t = test != null ? test : read(inputs, labels, "inputs/labels (or test(...))");
    LabeledData tr = train != null ? train : trainInputs == null ? null : read(trainInputs, trainLabels, "train");
    AuditData data = new AuditData(t, name(inputs, t), name(labels, t), tr, name(trainInputs, tr), name(trainLabels, tr));
    return new AuditRunner(options, new ExactOracleFactory(), List.of(), notices, ProgressListener.NONE, "lcnn (Java API)")
        .run(OnnxModelFile.load(model), data, null, null, outputDir)
        .result();
  }

  /** Runs the audit and writes {@code dir/audit.json} atomically; returns the result. */
  public AuditResult runAndWrite(Path dir) {
    if (outputDir == null) {
      outputDir = dir;
    }
    AuditResult r = run();
    AuditJson.write(dir.resolve("audit.json"), r);
    return r;
  }

  private static LabeledData read(Path x, Path y, String what) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("the audit needs " + what);
    }
    return DatasetFiles.read(x, y);
  }

  private static String name(Path file, LabeledData d) {
    return file != null ? file.toString() : d == null ? null : d.source();
  }
}
