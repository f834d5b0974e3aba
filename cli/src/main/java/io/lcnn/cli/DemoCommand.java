package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.attack.RobustnessExtension;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.datasets.DatasetException;
import io.lcnn.datasets.FashionMnist;
import io.lcnn.datasets.LabeledData;
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
import io.lcnn.trainer.train.TrainingStoppedException;
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
public final class DemoCommand implements Subcommand {
  /** The recipes the demo compares, in report order. */
  static final List<Recipe> RECIPES = List.of(Recipe.parse("standard"), Recipe.parse("lcnn"));

  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Parameter(names = "--out", description = "Output folder (checkpoints, models, audits, report.html)")
  private String out = "demo-out";

  @Parameter(names = "--full", description = "Train on the whole Fashion-MNIST from Debian's dataset-fashion-mnist instead of the embedded subset")
  private boolean full;

  @Parameter(names = "--data", description = "Folder of the Fashion-MNIST IDX files (default: the embedded subset, or Debian's folder with --full)")
  private String data;

  @Parameter(names = "--epochs", description = "Training epochs per model")
  private int epochs = 10;

  @Parameter(names = "--width", description = "Small CNN channel multiplier (32/64/64 x width)")
  private double width = 0.5;

  @Parameter(names = "--audit-samples", description = "Test (and train) samples each audit measures")
  private int auditSamples = 300;

  @Parameter(names = "--pgd-steps", description = "PGD steps per restart in the audits")
  private int pgdSteps = 20;

  @Parameter(names = "--pgd-restarts", description = "PGD random restarts in the audits")
  private int pgdRestarts = 1;

  @Parameter(names = "--max-steps", description = "Stop each training epoch after this many steps (0: the whole training set)")
  private int maxSteps = 0;

  @Parameter(names = "--no-progress", description = "Do not draw progress bars")
  private boolean noProgress;

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    if (epochs < 1 || auditSamples < 1 || pgdSteps < 1 || pgdRestarts < 1 || !(width > 0) || !Double.isFinite(width)) {
      throw new CliException("--epochs, --width, --audit-samples, --pgd-steps and --pgd-restarts must be positive");
    }
    long start = System.nanoTime();
    Path outDir = Path.of(out);
    TrainingData dataset = dataset();
    try {
      ThreadSafetyCheck.verify();
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage());
    }
    System.out.printf("lcnn demo: %s (%d train / %d test samples), small CNN x%s, %d epochs per model,"
        + " audits on %d test + %d train samples, output in %s%n", dataset.spec(), dataset.train().size(),
        dataset.test().size(), width, epochs, auditSamples, auditSamples, outDir);
    Map<String, AuditResult> audits = new LinkedHashMap<>();
    Map<String, Double> testAccuracy = new LinkedHashMap<>();
    List<LoadedAudit> loaded = new ArrayList<>();
    int step = 1;
    int steps = RECIPES.size() * 3 + 1;
    for (Recipe recipe : RECIPES) {
      Path dir = outDir.resolve(recipe.id());
      System.out.printf("%n[%d/%d] train %s%n", step++, steps, recipe.id());
      TrainConfig cfg = TrainConfig.defaults(recipe, ModelFamily.SMALL_CNN).withSize(epochs, 128, maxSteps, width);
      try (StopRequest stop = StopRequest.onSignals()) {
        JsonNode record = new TrainingRun(cfg, dataset, dir.resolve("checkpoint"), System.out, !noProgress, stop)
            .run(null);
        testAccuracy.put(recipe.id(), record.path("final").path("test_accuracy").asDouble());
      } catch (TrainingStoppedException e) {
        throw new CliException(e.getMessage(), e.exitCode());
      }
      System.out.printf("[%d/%d] export %s%n", step++, steps, recipe.id());
      Path onnx = dir.resolve("model.onnx");
      export(dir.resolve("checkpoint"), onnx);
      System.out.printf("[%d/%d] audit %s%n", step++, steps, recipe.id());
      AuditResult result = audit(onnx, dataset, dir);
      audits.put(recipe.id(), result);
      loaded.add(LoadedAudit.load(dir.resolve("audit.json")));
    }
    System.out.printf("%n[%d/%d] report%n", step, steps);
    List<PaperClaims.Claim> claims = PaperClaims.check(audits.get("standard"), audits.get("lcnn"),
        testAccuracy.get("standard"), testAccuracy.get("lcnn"), dataset.test().size());
    List<String> verdicts = claims.stream().map(PaperClaims.Claim::verdictLine).toList();
    Path report = outDir.resolve("report.html");
    HtmlReport.write(report, loaded, Map.of(), "lcnn " + Version.get(), verdicts.stream()
        .map(v -> "Paper claim " + v).toList());
    System.out.println();
    System.out.print(ConsoleTable.render(audits));
    System.out.printf("%nreport: %s%n", report.toAbsolutePath());
    System.out.printf("done in %.1f min%n", (System.nanoTime() - start) / 6e10);
    long held = claims.stream().filter(PaperClaims.Claim::held).count();
    System.out.printf("%nThe paper's claims on this data (%d of %d hold):%n", held, claims.size());
    verdicts.forEach(System.out::println);
    return 0;
  }

  private TrainingData dataset() {
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

  private AuditResult audit(Path onnx, TrainingData dataset, Path dir) {
    LabeledData test = dataset.test().head(auditSamples);
    LabeledData train = dataset.train().head(auditSamples);
    AuditData auditData = new AuditData(test, dataset.spec() + ":test", dataset.spec() + ":test",
        train, dataset.spec() + ":train", dataset.spec() + ":train");
    RobustnessSettings robustness = RobustnessSettings.defaults().withSteps(pgdSteps).withRestarts(pgdRestarts);
    ProgressBarListener.Counter attackProgress = ProgressBarListener.counter("robustness probes", " oracle calls");
    AuditOptions options = AuditOptions.defaults();
    AuditRunner runner = new AuditRunner(options, new ExactOracleFactory(),
        List.of(new RobustnessExtension(robustness, dir, attackProgress::advance)), System.err,
        noProgress ? io.lcnn.auditor.audit.ProgressListener.NONE : ProgressBarListener.forConsole(),
        "lcnn " + Version.get());
    AuditResult result;
    try {
      result = runner.run(OnnxModelFile.load(onnx), auditData, null, null).result();
    } finally {
      attackProgress.finish();
    }
    AuditJson.write(dir.resolve("audit.json"), result);
    return result;
  }
}
