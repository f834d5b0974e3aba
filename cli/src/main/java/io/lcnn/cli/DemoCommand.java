package io.lcnn.cli;

import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOption;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.OptionValues;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FashionMnist;
import io.lcnn.exporter.OnnxExporter;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.console.ConsoleTable;
import io.lcnn.reports.html.HtmlReport;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Checkpoint;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import io.lcnn.trainer.train.StopRequest;
import io.lcnn.trainer.train.ThreadSafetyCheck;
import io.lcnn.trainer.train.TrainConfig;
import io.lcnn.trainer.train.TrainingData;
import io.lcnn.trainer.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lcnn demo}: the whole pipeline on an embedded default. Trains a standard and an LCNN
 * small CNN on the Fashion-MNIST subset shipped in {@code fixtures/fashion-mnist-subset} (or the
 * full dataset with {@code --full}), exports both to ONNX, audits both (geometry on test and
 * train samples, gradient stability, l2 PGD, masking checks), writes one comparison report and
 * prints a summary table.
 */
@Parameters(commandDescription = "Train a standard and an LCNN model, export, audit and compare them in one report")
public final class DemoCommand implements OptionCommand {
  /** The recipes the demo compares, in report order. */
  static final List<Recipe> RECIPES = List.of(Recipe.parse("standard"), Recipe.parse("lcnn"));

  static final AuditOption<String> OUT = AuditOption.text("out", "--out", "demo-out",
      "Output folder (checkpoints, models, audits, report.html)");
  static final AuditOption<Boolean> FULL = AuditOption.flagSwitch("full", "--full",
      "Train on the whole Fashion-MNIST from Debian's dataset-fashion-mnist instead of the embedded subset");
  static final AuditOption<String> DATA = AuditOption.text("data", "--data", null,
      "Folder of the Fashion-MNIST IDX files (default: the embedded subset, or Debian's folder with --full)");
  static final AuditOption<Integer> EPOCHS = AuditOption.integer("epochs", "--epochs", 10, "Training epochs per model", 1);
  static final AuditOption<Double> WIDTH = AuditOption.real("width", "--width", 0.5,
      "Small CNN channel multiplier (32/64/64 x width)", w -> w > 0 && Double.isFinite(w), "> 0 and finite");
  static final AuditOption<Integer> MAX_STEPS = AuditOption.integer("maxSteps", "--max-steps", 0,
      "Stop each training epoch after this many steps (0: the whole training set)", 0);
  static final AuditOption<Boolean> NO_PROGRESS = AuditOption.flagSwitch("noProgress", "--no-progress",
      "Do not draw progress bars");

  /**
   * Where the demo's audits differ from an audit's defaults: 300 samples per split (with 100, one
   * sample is one point of accuracy). The attacks are the audit's own defaults (l2 PGD and APGD-CE,
   * 50 steps × 3 restarts, per-sample worst case, and FMN's smallest radii), so claim (b) is judged
   * under the strongest attack a default audit runs; the whole demo takes about 5 minutes on an
   * idle 2-core machine (README).
   */
  static final AuditOptions AUDIT_DEFAULTS = AuditOptions.defaults().with(AuditOptions.MAX_SAMPLES, 300);

  /** The demo's own entries, then every audit option. */
  static final List<AuditOption<?>> OPTIONS = AuditCommand.concat(
      List.of(HELP, OUT, FULL, DATA, EPOCHS, WIDTH, MAX_STEPS, NO_PROGRESS), AuditOptions.ALL);

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public List<AuditOption<?>> options() {
    return OPTIONS;
  }

  @Override
  public String usageHeader() {
    StringBuilder sb = new StringBuilder("Train a standard and an LCNN model, export, audit and compare them in one report\n"
        + "Usage: lcnn demo [options]\n  The audit options take the audit's defaults except");
    for (AuditOption<?> o : AuditOptions.ALL) {
      Object d = AUDIT_DEFAULTS.get(o);
      if (!java.util.Objects.equals(d, o.defaultValue())) {
        sb.append(' ').append(o.flag()).append(' ').append(d);
      }
    }
    return sb.toString();
  }

  /** The demo's audit options: the demo's defaults, overridden by what was given. */
  static AuditOptions auditOptions(OptionValues v) {
    AuditOptions given = AuditOptions.of(v);
    AuditOptions o = AUDIT_DEFAULTS;
    for (AuditOption<?> e : AuditOptions.ALL) {
      o = v.isSet(e) ? copy(given, o, e) : o;
    }
    return o;
  }

  private static <T> AuditOptions copy(AuditOptions from, AuditOptions to, AuditOption<T> e) {
    return to.with(e, from.get(e));
  }

  @Override
  public int call(OptionValues v) {
    int epochs = v.get(EPOCHS);
    double width = v.get(WIDTH);
    boolean noProgress = v.get(NO_PROGRESS);
    AuditOptions auditOptions = auditOptions(v);
    long start = System.nanoTime();
    Path outDir = Path.of(v.get(OUT));
    TrainingData dataset = dataset(v.get(DATA), v.get(FULL));
    try {
      ThreadSafetyCheck.verify();
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage());
    }
    System.out.printf("lcnn demo: %s (%d train / %d test samples), small CNN x%s, %d epochs per model,"
        + " audits on %d test + %d train samples, output in %s%n", dataset.spec(), dataset.train().size(),
        dataset.test().size(), width, epochs, auditOptions.maxSamples(), auditOptions.maxSamples(), outDir);
    Map<String, AuditResult> audits = new LinkedHashMap<>();
    Map<String, Double> testAccuracy = new LinkedHashMap<>();
    List<LoadedAudit> loaded = new ArrayList<>();
    int step = 1;
    int steps = RECIPES.size() * 3 + 1;
    for (Recipe recipe : RECIPES) {
      Path dir = outDir.resolve(recipe.id());
      System.out.printf("%n[%d/%d] train %s%n", step++, steps, recipe.id());
      TrainConfig cfg = TrainConfig.defaults(recipe, ModelFamily.SMALL_CNN).withSize(epochs, 128, v.get(MAX_STEPS), width);
      try (StopRequest stop = StopRequest.onSignals()) {
        JsonNode record = new TrainingRun(cfg, dataset, dir.resolve("checkpoint"), System.out, !noProgress, stop)
            .run(null);
        testAccuracy.put(recipe.id(), record.path("final").path("test_accuracy").asDouble());
      }
      System.out.printf("[%d/%d] export %s%n", step++, steps, recipe.id());
      Path onnx = dir.resolve("model.onnx");
      export(dir.resolve("checkpoint"), onnx);
      System.out.printf("[%d/%d] audit %s%n", step++, steps, recipe.id());
      AuditResult result = audit(onnx, dataset, dir, auditOptions, noProgress);
      audits.put(recipe.id(), result);
      loaded.add(LoadedAudit.load(dir.resolve("audit.json")));
    }
    System.out.printf("%n[%d/%d] report%n", step, steps);
    List<PaperClaims.Claim> claims = PaperClaims.check(audits.get("standard"), audits.get("lcnn"),
        testAccuracy.get("standard"), testAccuracy.get("lcnn"), dataset.test().size());
    List<String> verdicts = claims.stream().map(PaperClaims.Claim::verdictLine).toList();
    Path report = outDir.resolve("report.html");
    HtmlReport.write(report, loaded, Map.of(), "lcnn " + Version.get(), verdicts.stream()
        .map(line -> "Paper claim " + line).toList());
    System.out.println();
    System.out.print(ConsoleTable.render(audits));
    System.out.printf("%nreport: %s%n", report.toAbsolutePath());
    System.out.printf("done in %.1f min%n", (System.nanoTime() - start) / 6e10);
    long held = claims.stream().filter(PaperClaims.Claim::held).count();
    System.out.printf("%nThe paper's claims on this data (%d of %d hold):%n", held, claims.size());
    verdicts.forEach(System.out::println);
    return 0;
  }

  private static TrainingData dataset(String data, boolean full) {
    String dir = data != null ? data
        : full ? FashionMnist.DEBIAN_DIR
        : Path.of(System.getProperty("lcnn.home", ".")).resolve("fixtures/fashion-mnist-subset").toString();
    if (!Files.isDirectory(Path.of(dir))) {
      throw new CliException(dir + ": no Fashion-MNIST folder here"
          + (full ? " (install Debian's dataset-fashion-mnist)" : " (run ./lcnn from the repository, or give --data DIR)"));
    }
    try {
      return TrainingData.load("fashion-mnist:" + dir);
    } catch (DatasetException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static void export(Path checkpoint, Path onnx) {
    JsonNode model = Checkpoint.readModel(checkpoint);
    JsonNode record = Checkpoint.readRecord(checkpoint);
    try (Network net = Checkpoint.load(checkpoint)) {
      OnnxExporter.write(net, model, record, onnx);
    }
  }

  private static AuditResult audit(Path onnx, TrainingData dataset, Path dir, AuditOptions options, boolean noProgress) {
    AuditData auditData = new AuditData(dataset.test(), dataset.spec() + ":test", dataset.spec() + ":test",
        dataset.train(), dataset.spec() + ":train", dataset.spec() + ":train");
    AuditRunner runner = new AuditRunner(options, new ExactOracleFactory(), List.of(), System.err,
        noProgress ? io.lcnn.auditor.audit.ProgressListener.NONE : ProgressBarListener.forConsole(),
        "lcnn " + Version.get());
    AuditResult result = runner.run(OnnxModelFile.load(onnx), auditData, null, null, dir).result();
    AuditJson.write(dir.resolve("audit.json"), result);
    return result;
  }
}
