package io.lcnn.cli;

import com.beust.jcommander.Parameters;
import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditEngine;
import io.lcnn.auditor.audit.AuditOption;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditOutcome;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.OptionValues;
import io.lcnn.auditor.data.DatasetFiles;
import io.lcnn.auditor.data.ImageFolder;
import io.lcnn.auditor.model.InputNormalization;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.PolicyParser;
import io.lcnn.reports.gate.PolicyPreflight;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.datasets.AtomicFiles;
import io.lcnn.datasets.StagedFolder;
import io.lcnn.errors.PrintableText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lcnn audit}: measures an ONNX classifier's loss geometry (gradient norms, Hessian
 * spectral norms, curvature) and robustness on test (and training) samples and writes
 * DIR/audit.json. Its options are the entries below (files in and out) followed by every
 * {@link AuditOptions} entry.
 */
@Parameters(commandDescription = "Audit an ONNX classifier: gradients, Hessian norms, curvature -> DIR/audit.json")
public final class AuditCommand implements OptionCommand {
  static final AuditOption<String> MODEL = AuditOption.text("model", "--model", null, "The ONNX classifier (.onnx)");
  static final AuditOption<String> INPUTS = AuditOption.text("inputs", "--inputs", null,
      "Test inputs: .npy float array [N, ...model input shape], IDX images (.gz ok), or a folder of PNG/JPEG images"
          + " (class subfolders as labels, or --labels CSV)");
  static final AuditOption<String> LABELS = AuditOption.text("labels", "--labels", null,
      "Test labels: .npy integer array [N] or IDX labels; with an image folder, an optional CSV of file,label lines");
  static final AuditOption<String> RESIZE = AuditOption.text("resize", "--resize", null,
      "Image folders: resize to N (shorter side, aspect kept) or HxW before cropping");
  static final AuditOption<String> CENTER_CROP = AuditOption.text("centerCrop", "--center-crop", null,
      "Image folders: keep the central N x N (or HxW) pixels after resizing");
  static final AuditOption<String> MEAN = AuditOption.text("mean", "--mean", null,
      "Model preprocessing prepended to the graph as (x - mean)/std: per-channel means, comma-separated; every"
          + " gradient, curvature and eps is then in pixel units of [0, 1]");
  static final AuditOption<String> STD = AuditOption.text("std", "--std", null,
      "Per-channel standard deviations of the prepended preprocessing (with --mean)");
  static final AuditOption<String> TRAIN_INPUTS = AuditOption.text("trainInputs", "--train-inputs", null,
      "Training inputs (enables the train split and the train-test discrepancy)");
  static final AuditOption<String> TRAIN_LABELS = AuditOption.text("trainLabels", "--train-labels", null, "Training labels");
  static final AuditOption<String> DATASET = AuditOption.text("dataset", "--dataset", null,
      "Instead of --inputs/--labels: fashion-mnist (Debian's folder) or fashion-mnist:DIR; audits its test and train splits");
  static final AuditOption<Integer> LIMIT = AuditOption.integer("limit", "--limit", 256,
      "With --dataset: use the first N samples of each split", 1);
  static final AuditOption<String> OUT = AuditOption.text("out", "--out", null,
      "Output folder; audit.json is written there atomically");
  static final AuditOption<String> POLICY = AuditOption.text("policy", "--policy", null,
      "Gate policy (JSON, see docs/gate.md) applied after the audit: exit 1 when a rule fails");
  static final AuditOption<String> DUMP_GRADIENTS = AuditOption.text("dumpGradients", "--dump-gradients", null,
      "Write the per-sample input gradients of the test split to this .npy");
  static final AuditOption<String> HVP_PROBE = AuditOption.text("hvpProbe", "--hvp-probe", null,
      "Per-sample directions v (.npy shaped like the test inputs) for --dump-hvp");
  static final AuditOption<String> DUMP_HVP = AuditOption.text("dumpHvp", "--dump-hvp", null,
      "Write H·v for the --hvp-probe directions to this .npy");

  /** The command's own entries, then every audit option. */
  static final List<AuditOption<?>> OPTIONS = concat(
      List.of(HELP, MODEL, INPUTS, LABELS, RESIZE, CENTER_CROP, MEAN, STD, TRAIN_INPUTS, TRAIN_LABELS, DATASET, LIMIT,
          OUT, POLICY, DUMP_GRADIENTS, HVP_PROBE, DUMP_HVP),
      AuditOptions.ALL);

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public List<AuditOption<?>> options() {
    return OPTIONS;
  }

  @Override
  public String usageHeader() {
    return "Audit an ONNX classifier: gradients, Hessian norms, curvature, robustness -> DIR/audit.json\n"
        + "Usage: lcnn audit --model M.onnx (--inputs X --labels Y | --dataset fashion-mnist) --out DIR [options]";
  }

  static List<AuditOption<?>> concat(List<AuditOption<?>> a, List<AuditOption<?>> b) {
    List<AuditOption<?>> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  @Override
  public int call(OptionValues v) {
    String model = v.get(MODEL);
    String out = v.get(OUT);
    if (model == null) {
      throw new CliException("--model is required");
    }
    if (out == null) {
      throw new CliException("--out is required");
    }
    if ((v.get(HVP_PROBE) == null) != (v.get(DUMP_HVP) == null)) {
      throw new CliException("--hvp-probe and --dump-hvp go together");
    }
    AuditOptions options = AuditOptions.of(v);
    AuditEngine.forOptions(options);
    Policy gatePolicy;
    RobustnessSettings robustness;
    try {
      gatePolicy = v.get(POLICY) == null ? null : PolicyParser.read(Path.of(v.get(POLICY)));
      robustness = options.robustness();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    if (gatePolicy != null) {
      List<Double> attacked = robustness == null ? List.of() : robustness.eps();
      boolean train = v.get(DATASET) != null || v.get(TRAIN_INPUTS) != null;
      PolicyPreflight.check("--policy " + v.get(POLICY), gatePolicy,
          new PolicyPreflight.Plan(attacked, train, options.selfCheckSamples() > 0));
    }
    if (v.get(DUMP_GRADIENTS) != null) {
      AtomicFiles.checkWritable("--dump-gradients", Path.of(v.get(DUMP_GRADIENTS)));
    }
    if (v.get(DUMP_HVP) != null) {
      AtomicFiles.checkWritable("--dump-hvp", Path.of(v.get(DUMP_HVP)));
    }
    try (StagedFolder staged = StagedFolder.open("--out", Path.of(out))) {
      return audit(v, options, gatePolicy, staged);
    }
  }

  /** Runs the audit with every output going to the staging folder, then moves it into place. */
  private static int audit(OptionValues v, AuditOptions options, Policy gatePolicy, StagedFolder staged) {
    if (options.get(AuditOptions.SAVE_ADVERSARIAL) != null) {
      options = options.with(AuditOptions.SAVE_ADVERSARIAL,
          staged.map(Path.of(options.get(AuditOptions.SAVE_ADVERSARIAL))).toString());
    }
    OnnxModelFile m = preprocessed(v, OnnxModelFile.load(Path.of(v.get(MODEL)), options.get(AuditOptions.OUTPUT_NAME)));
    AuditData data = data(v, m);
    FloatTensor probe = v.get(HVP_PROBE) == null ? null : Npy.readFloats(Path.of(v.get(HVP_PROBE)));
    AuditRunner runner = new AuditRunner(
        options, new ExactOracleFactory(), List.of(), System.err, ProgressBarListener.forConsole(), "lcnn " + Version.get());
    AuditOutcome outcome = runner.run(m, data, probe, v.get(HVP_PROBE), staged.dir());
    if (v.get(DUMP_GRADIENTS) != null) {
      Npy.write(staged.map(Path.of(v.get(DUMP_GRADIENTS))), outcome.testGradients());
    }
    if (v.get(DUMP_HVP) != null) {
      Npy.write(staged.map(Path.of(v.get(DUMP_HVP))), outcome.hvpProducts());
    }
    AuditResult result = outcome.result();
    GateReport gate = null;
    if (gatePolicy != null) {
      try {
        gate = Gate.evaluate(result, gatePolicy);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      result = result.withGate(gate.outcomes());
    }
    AuditJson.write(staged.dir().resolve("audit.json"), result);
    staged.commit();
    Path json = Path.of(v.get(OUT)).resolve("audit.json");
    System.out.print(PrintableText.lines(AuditSummaryTable.format(result)));
    System.out.println(PrintableText.of("wrote " + json));
    if (gate != null) {
      gate.lines().forEach(l -> System.out.println(PrintableText.of(l)));
      return gate.exitCode();
    }
    return 0;
  }

  /** The model with --mean/--std prepended, or labelled as reading pixels when the inputs are images. */
  private static OnnxModelFile preprocessed(OptionValues v, OnnxModelFile m) {
    String mean = v.get(MEAN);
    String std = v.get(STD);
    String resize = v.get(RESIZE);
    String centerCrop = v.get(CENTER_CROP);
    if ((mean == null) != (std == null)) {
      throw new CliException("--mean and --std go together");
    }
    boolean images = v.get(INPUTS) != null && ImageFolder.isImageFolder(Path.of(v.get(INPUTS)));
    if (!images && (resize != null || centerCrop != null)) {
      throw new CliException("--resize and --center-crop apply to image folders given as --inputs");
    }
    String steps = (resize == null ? "" : "resize " + resize) + (resize != null && centerCrop != null ? ", " : "")
        + (centerCrop == null ? "" : "center-crop " + centerCrop);
    try {
      if (mean != null) {
        return InputNormalization.prepend(m, InputNormalization.parse("--mean", mean), InputNormalization.parse("--std", std),
            steps);
      }
      return images ? InputNormalization.pixelsAsIs(m, steps) : m;
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static LabeledData images(OptionValues v, String dir, String csv, OnnxModelFile m) {
    ImageFolder.Geometry g;
    try {
      g = new ImageFolder.Geometry(ImageFolder.Geometry.parseSize("--resize", v.get(RESIZE), false),
          ImageFolder.Geometry.parseSize("--center-crop", v.get(CENTER_CROP), true));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    return ImageFolder.read(Path.of(dir), csv == null ? null : Path.of(csv), m.sampleShape(), g);
  }

  private static AuditData data(OptionValues v, OnnxModelFile m) {
    String dataset = v.get(DATASET);
    String inputs = v.get(INPUTS);
    String labels = v.get(LABELS);
    if (dataset != null) {
      if (inputs != null || labels != null) {
        throw new CliException("give either --dataset or --inputs/--labels, not both");
      }
      int limit = v.get(LIMIT);
      LabeledData test = DatasetFiles.fashionMnist(dataset, false).head(limit);
      LabeledData train = DatasetFiles.fashionMnist(dataset, true).head(limit);
      return new AuditData(test, dataset + ":test", dataset + ":test", train, dataset + ":train", dataset + ":train");
    }
    if (inputs != null && ImageFolder.isImageFolder(Path.of(inputs))) {
      String trainInputs = v.get(TRAIN_INPUTS);
      String trainLabels = v.get(TRAIN_LABELS);
      LabeledData test = images(v, inputs, labels, m);
      LabeledData train = trainInputs == null ? null : images(v, trainInputs, trainLabels, m);
      return new AuditData(test, inputs, labels, train, trainInputs, trainLabels);
    }
    if (inputs == null || labels == null) {
      throw new CliException("--inputs and --labels are required (or --dataset fashion-mnist)");
    }
    String trainInputs = v.get(TRAIN_INPUTS);
    String trainLabels = v.get(TRAIN_LABELS);
    if ((trainInputs == null) != (trainLabels == null)) {
      throw new CliException("--train-inputs and --train-labels go together");
    }
    LabeledData test = DatasetFiles.read(Path.of(inputs), Path.of(labels));
    LabeledData train = trainInputs == null ? null : DatasetFiles.read(Path.of(trainInputs), Path.of(trainLabels));
    return new AuditData(test, inputs, labels, train, trainInputs, trainLabels);
  }
}
