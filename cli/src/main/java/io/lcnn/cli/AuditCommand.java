package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.lcnn.auditor.attack.AttackKind;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.RobustnessExtension;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditExtension;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditOutcome;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.GradientMode;
import io.lcnn.auditor.data.DatasetFiles;
import io.lcnn.auditor.geometry.Curvature;
import io.lcnn.auditor.geometry.Lanczos;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.oracle.FiniteDifferenceGradientOracle;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.PolicyParser;
import io.lcnn.auditor.runtime.Device;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lcnn audit}: measures an ONNX classifier's loss geometry (gradient norms, Hessian
 * spectral norms, curvature) on test (and training) samples and writes DIR/audit.json.
 */
@Parameters(commandDescription = "Audit an ONNX classifier: gradients, Hessian norms, curvature -> DIR/audit.json")
public final class AuditCommand implements Subcommand {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Parameter(names = "--model", description = "The ONNX classifier (.onnx)")
  private String model;

  @Parameter(names = "--inputs", description = "Test inputs: .npy float array [N, ...model input shape] or IDX images (.gz ok)")
  private String inputs;

  @Parameter(names = "--labels", description = "Test labels: .npy integer array [N] or IDX labels")
  private String labels;

  @Parameter(names = "--train-inputs", description = "Training inputs (enables the train split and the train-test discrepancy)")
  private String trainInputs;

  @Parameter(names = "--train-labels", description = "Training labels")
  private String trainLabels;

  @Parameter(names = "--dataset", description = "Instead of --inputs/--labels: fashion-mnist (Debian's folder) or fashion-mnist:DIR; audits its test and train splits")
  private String dataset;

  @Parameter(names = "--limit", description = "With --dataset: use the first N samples of each split")
  private int limit = 256;

  @Parameter(names = "--out", description = "Output folder; audit.json is written there atomically")
  private String out;

  @Parameter(names = "--device", description = "cpu, cuda or auto (CUDA when usable, else CPU with a notice)")
  private String device = "cpu";

  @Parameter(names = "--threads", description = "ONNX Runtime intra-op threads (0: its default)")
  private int threads = 0;

  @Parameter(names = "--batch-size", description = "Samples per ONNX Runtime call")
  private int batchSize = 32;

  @Parameter(names = "--epsilon", description = "ε in the curvature C_f = ‖∇²f‖ / (‖∇f‖ + ε)")
  private double epsilon = Curvature.DEFAULT_EPSILON;

  @Parameter(names = "--eigen", description = "Eigen-solver for the Hessian spectral norm: lanczos or power")
  private String eigen = "lanczos";

  @Parameter(names = "--eigen-iters", description = "Most Hessian-vector products per sample (0: the solver's default, 40 for lanczos, 100 for power)")
  private int eigenIters = 0;

  @Parameter(names = "--eigen-tol", description = "Relative residual ‖Hu − λu‖/|λ| at which the eigen-solver stops")
  private double eigenTol = Lanczos.DEFAULT_TOLERANCE;

  @Parameter(names = "--output", description = "What the model outputs: auto (probabilities if it ends in Softmax), logits or probabilities")
  private String output = "auto";

  @Parameter(names = "--max-samples", description = "Audit at most N samples per split (0: all)")
  private int maxSamples = 0;

  @Parameter(names = "--seed", description = "Seed of the eigen-solver start vectors")
  private long seed = 0;

  @Parameter(names = "--gradients", description = "auto (exact graphs, finite differences when an op is unsupported), exact, or finite-difference")
  private String gradients = "auto";

  @Parameter(names = "--fd-step", description = "Finite-difference gradient step, relative to each sample's max |x|")
  private double fdStep = FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP;

  @Parameter(names = "--fd-hvp-step", description = "Finite-difference HVP step, relative to each sample's max |x| (0: default)")
  private double fdHvpStep = 0;

  @Parameter(names = "--self-check-samples", description = "Test samples of the exact-vs-finite-difference self-check (0 skips it)")
  private int selfCheckSamples = 4;

  @Parameter(names = "--attack", description = "Robustness probes: a comma list of pgd, apgd, apgd-t, square, both (pgd,apgd), autoattack (apgd,apgd-t,square); each later attack runs on the samples still standing, per-sample worst case; or none (skips attacks, stability and masking checks)")
  private String attack = RobustnessSettings.defaults().attack().json();

  @Parameter(names = "--square-queries", description = "Queries per sample of the gradient-free Square attack")
  private int squareQueries = RobustnessSettings.defaults().squareQueries();

  @Parameter(names = "--targets", description = "Target classes of APGD-T (at most K-1 are used)")
  private int targets = RobustnessSettings.defaults().targets();

  @Parameter(names = "--min-norm-steps", description = "Steps of the FMN minimum-norm attack giving each sample's smallest breaking radius (0 skips it)")
  private int minNormSteps = RobustnessSettings.defaults().minNormSteps();

  @Parameter(names = {"--eps", "--pgd-eps"}, description = "l2 attack radii in input units, comma-separated, for every attack")
  private String pgdEps = "0.05,0.1,0.15,0.2";

  @Parameter(names = "--pgd-steps", description = "Attack steps per restart (step size 2.5·ε/steps)")
  private int pgdSteps = RobustnessSettings.defaults().steps();

  @Parameter(names = "--pgd-restarts", description = "Random restarts inside the ε-ball")
  private int pgdRestarts = RobustnessSettings.defaults().restarts();

  @Parameter(names = "--input-range", description = "Valid input range lo,hi that attacks clip to (default: the model's input_range metadata, else 0,1)")
  private String inputRange;

  @Parameter(names = "--stability-radii", description = "Radii of the gradient-stability probe, comma-separated (default: 5 points from 1e-3 to 1e-1)")
  private String stabilityRadii;

  @Parameter(names = "--noise", description = "Directions for the stability probe (.npy, one unit direction per test sample) instead of random ones")
  private String noise;

  @Parameter(names = "--save-adversarial", description = "Write the worst-case adversarial inputs per ε (eps_<ε>.npy) into this folder")
  private String saveAdversarial;

  @Parameter(names = "--policy", description = "Gate policy (JSON, see docs/gate.md) applied after the audit: exit 1 when a rule fails")
  private String policy;

  @Parameter(names = "--dump-gradients", description = "Write the per-sample input gradients of the test split to this .npy")
  private String dumpGradients;

  @Parameter(names = "--hvp-probe", description = "Per-sample directions v (.npy shaped like the test inputs) for --dump-hvp")
  private String hvpProbe;

  @Parameter(names = "--dump-hvp", description = "Write H·v for the --hvp-probe directions to this .npy")
  private String dumpHvp;

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    if (model == null) {
      throw new CliException("--model is required");
    }
    if (out == null) {
      throw new CliException("--out is required");
    }
    if ((hvpProbe == null) != (dumpHvp == null)) {
      throw new CliException("--hvp-probe and --dump-hvp go together");
    }
    AuditOptions options;
    try {
      options = new AuditOptions(epsilon, eigen, eigenIters, eigenTol, batchSize, threads, Device.parse(device), seed,
          maxSamples, output, GradientMode.parse(gradients), fdStep, fdHvpStep, selfCheckSamples,
          io.lcnn.auditor.audit.FiniteDifferenceOracleFactory.DEFAULT_ROWS_PER_CALL);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    Policy gatePolicy;
    try {
      gatePolicy = policy == null ? null : PolicyParser.read(Path.of(policy));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    List<AuditExtension> extensions;
    try {
      extensions = robustness();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    OnnxModelFile m = OnnxModelFile.load(Path.of(model));
    AuditData data = data();
    FloatTensor probe = hvpProbe == null ? null : Npy.readFloats(Path.of(hvpProbe));
    AuditRunner runner = new AuditRunner(
        options, new ExactOracleFactory(), extensions, System.err, ProgressBarListener.forConsole(), "lcnn " + Version.get());
    AuditOutcome outcome;
    try {
      outcome = runner.run(m, data, probe, hvpProbe);
    } finally {
      attackProgress.finish();
    }
    if (dumpGradients != null) {
      Npy.write(Path.of(dumpGradients), outcome.testGradients());
    }
    if (dumpHvp != null) {
      Npy.write(Path.of(dumpHvp), outcome.hvpProducts());
    }
    AuditResult result = outcome.result();
    GateReport gate = null;
    if (gatePolicy != null) {
      try {
        gate = Gate.evaluate(result, gatePolicy);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      result = withGate(result, gate.outcomes());
    }
    Path json = Path.of(out).resolve("audit.json");
    AuditJson.write(json, result);
    System.out.print(AuditSummaryTable.format(result));
    System.out.println("wrote " + json);
    if (gate != null) {
      gate.lines().forEach(System.out::println);
      return gate.exitCode();
    }
    return 0;
  }

  private final ProgressBarListener.Counter attackProgress = ProgressBarListener.counter("robustness probes", " oracle calls");

  private List<AuditExtension> robustness() {
    if (attack.trim().equalsIgnoreCase("none")) {
      return List.of();
    }
    RobustnessSettings s = RobustnessSettings.defaults()
        .withAttack(AttackKind.parse(attack))
        .withEps(RobustnessSettings.parseRadii("--eps", pgdEps))
        .withSteps(pgdSteps)
        .withRestarts(pgdRestarts)
        .withSquareQueries(squareQueries)
        .withTargets(targets)
        .withMinNormSteps(minNormSteps);
    if (inputRange != null) {
      s = s.withInputRange(InputRange.parse("--input-range", inputRange));
    }
    if (stabilityRadii != null) {
      s = s.withStabilityRadii(RobustnessSettings.parseRadii("--stability-radii", stabilityRadii));
    }
    if (noise != null) {
      s = s.withNoise(Path.of(noise));
    }
    if (saveAdversarial != null) {
      s = s.withSaveAdversarial(Path.of(saveAdversarial));
    }
    return List.of(new RobustnessExtension(s, Path.of(out), attackProgress::advance));
  }

  private static AuditResult withGate(AuditResult r, List<GateOutcome> gate) {
    return new AuditResult(r.schemaVersion(), r.tool(), r.createdAt(), r.model(), r.settings(), r.splits(),
        r.trainTestDiscrepancy(), r.selfCheck(), r.attacks(), r.gradientStability(), r.maskingChecks(),
        r.artifacts(), gate);
  }

  private AuditData data() {
    if (dataset != null) {
      if (inputs != null || labels != null) {
        throw new CliException("give either --dataset or --inputs/--labels, not both");
      }
      if (limit < 1) {
        throw new CliException("--limit must be ≥ 1");
      }
      LabeledData test = DatasetFiles.fashionMnist(dataset, false).head(limit);
      LabeledData train = DatasetFiles.fashionMnist(dataset, true).head(limit);
      return new AuditData(test, dataset + ":test", dataset + ":test", train, dataset + ":train", dataset + ":train");
    }
    if (inputs == null || labels == null) {
      throw new CliException("--inputs and --labels are required (or --dataset fashion-mnist)");
    }
    if ((trainInputs == null) != (trainLabels == null)) {
      throw new CliException("--train-inputs and --train-labels go together");
    }
    LabeledData test = DatasetFiles.read(Path.of(inputs), Path.of(labels));
    LabeledData train = trainInputs == null ? null : DatasetFiles.read(Path.of(trainInputs), Path.of(trainLabels));
    return new AuditData(test, inputs, labels, train, trainInputs, trainLabels);
  }
}
