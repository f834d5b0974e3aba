package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.AttackKind;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.geometry.Curvature;
import io.lcnn.auditor.geometry.EigenSolver;
import io.lcnn.auditor.geometry.Lanczos;
import io.lcnn.auditor.geometry.PowerIteration;
import io.lcnn.auditor.oracle.FiniteDifferenceGradientOracle;
import io.lcnn.auditor.runtime.Device;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every setting of an audit, immutable and serializable (a distributed job ships it to its
 * workers). Each setting is one {@link AuditOption} entry below, which owns its flag, default,
 * documentation and validation; {@link #ALL} lists them in {@code --help} order. The command
 * line parses into this object, the demo starts from it, audit.json records
 * {@link #asMap()} and the Java API sets it with {@link #with}.
 *
 * <p>To add an option: declare one entry here and add it to {@link #ALL}; read it where it is
 * used with {@code options.get(ENTRY)}.
 */
public final class AuditOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** ε in C_f = ‖∇²f‖₂/(‖∇f‖₂ + ε). */
  public static final AuditOption<Double> EPSILON = AuditOption.real("curvatureEpsilon", "--epsilon",
      Curvature.DEFAULT_EPSILON, "ε in the curvature C_f = ‖∇²f‖ / (‖∇f‖ + ε)", v -> v >= 0, "≥ 0");
  /** Eigen-solver of the Hessian spectral norm. */
  public static final AuditOption<String> EIGEN = AuditOption.choice("eigenSolver", "--eigen",
      "Eigen-solver for the Hessian spectral norm", "lanczos", "power");
  /** HVPs per sample at most (0: the solver's default). */
  public static final AuditOption<Integer> EIGEN_ITERS = AuditOption.integer("eigenMaxIterations", "--eigen-iters", 0,
      "Most Hessian-vector products per sample (0: the solver's default, 40 for lanczos, 100 for power)", 0);
  /** Relative residual at which the eigen-solver stops. */
  public static final AuditOption<Double> EIGEN_TOL = AuditOption.real("eigenTolerance", "--eigen-tol",
      Lanczos.DEFAULT_TOLERANCE, "Relative residual ‖Hu − λu‖/|λ| at which the eigen-solver stops", v -> v > 0, "> 0");
  /** Samples per ONNX Runtime call (and per unit of work). */
  public static final AuditOption<Integer> BATCH_SIZE = AuditOption.integer("batchSize", "--batch-size", 32,
      "Samples per ONNX Runtime call (and per unit of work of the parallel audit)", 1);
  /** Memory the exact graphs of all workers may use together, in bytes (0: the default share of physical memory). */
  public static final AuditOption<Long> MEMORY_BUDGET = AuditOption.bytes("memoryBudget", "--memory-budget", 0L,
      "Memory ONNX Runtime may use for the exact graphs of all workers together, e.g. 512m or 2g; the batch size and"
          + " the workers are cut to fit (default auto: " + MemoryPlanner.DEFAULT_SHARE_PERCENT
          + " % of physical memory)");
  /** Parallel workers, each with its own ONNX Runtime sessions. */
  public static final AuditOption<Integer> WORKERS = AuditOption.integer("workers", "--workers",
      Runtime.getRuntime().availableProcessors(),
      "Parallel workers, each with its own ONNX Runtime sessions (default: the available cores)", 1);
  /** ONNX Runtime intra-op threads per worker (0: cores / workers). */
  public static final AuditOption<Integer> THREADS = AuditOption.integer("threads", "--threads", 0,
      "ONNX Runtime intra-op threads per worker (0: available cores / workers, at least 1)", 0);
  /** Requested device. */
  public static final AuditOption<String> DEVICE = AuditOption.choice("device", "--device",
      "cpu, cuda or auto (CUDA when usable, else CPU with a notice)", "cpu", "cuda", "auto");
  /** Apache Spark master to run the shards on (null: this JVM's workers). */
  public static final AuditOption<String> SPARK = AuditOption.text("spark", "--spark", null,
      "Run the shards as an Apache Spark job on this master: local[N] (in-process), spark://HOST:PORT (standalone), or"
          + " any master spark-submit accepts (needs the spark module; ./lcnn adds it when --spark is given)");
  /** Seed of every random draw (each draw is keyed by it and the sample's index). */
  public static final AuditOption<Long> SEED = AuditOption.longValue("seed", "--seed", 0L,
      "Seed of every random draw (eigen-solver starts, attack starts, stability directions), keyed per sample");
  /** Audit at most this many samples per split (0: all). */
  public static final AuditOption<Integer> MAX_SAMPLES = AuditOption.integer("maxSamples", "--max-samples", 0,
      "Audit at most N samples per split (0: all)", 0);
  /** What the model outputs. */
  public static final AuditOption<String> OUTPUT = AuditOption.choice("outputKind", "--output",
      "What the model outputs: auto (probabilities if it ends in Softmax), logits or probabilities", "auto", "logits",
      "probabilities");
  /** The classifier output to audit when the model has several (null: the first float [N, K] one). */
  public static final AuditOption<String> OUTPUT_NAME = AuditOption.text("outputName", "--output-name", null,
      "The classifier output to audit when the model has several (default: the first float [N, K] one; a ZipMap output"
          + " means the probabilities that feed it)");
  /** Exact, finite-difference, or exact with fallback. */
  public static final AuditOption<String> GRADIENTS = AuditOption.choice("gradients", "--gradients",
      "auto (exact graphs, finite differences when an op is unsupported), exact, or finite-difference", "auto", "exact",
      "finite-difference");
  /** Finite-difference gradient step relative to the input scale. */
  public static final AuditOption<Double> FD_STEP = AuditOption.real("fdGradientStep", "--fd-step",
      FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP,
      "Finite-difference gradient step, relative to each sample's max |x|", v -> v > 0, "> 0");
  /** Finite-difference HVP step relative to the input scale (0: the default). */
  public static final AuditOption<Double> FD_HVP_STEP = AuditOption.real("fdHvpStep", "--fd-hvp-step", 0.0,
      "Finite-difference HVP step, relative to each sample's max |x| (0: default)", v -> v >= 0, "≥ 0");
  /** Test samples of the self-check (0 skips it). */
  public static final AuditOption<Integer> SELF_CHECK_SAMPLES = AuditOption.integer("selfCheckSamples",
      "--self-check-samples", 4, "Test samples of the exact-vs-finite-difference self-check (0 skips it)", 0);
  /** Perturbed samples per ONNX Runtime call of the finite-difference oracles (no flag). */
  public static final AuditOption<Integer> FD_ROWS_PER_CALL = AuditOption.integer("fdRowsPerCall", null,
      FiniteDifferenceOracleFactory.DEFAULT_ROWS_PER_CALL, "Perturbed samples per call of the finite-difference oracles", 2);
  /** Robustness probes: an attack kind, or none. */
  public static final AuditOption<String> ATTACK = new AuditOption<>("attack", List.of("--attack"),
      RobustnessSettings.defaults().attack().json(),
      "Robustness probes: a comma list of pgd, apgd, apgd-t, fab-t, square, both (pgd,apgd), autoattack (apgd,apgd-t,fab-t,square);"
          + " each later attack runs on the samples still standing, per-sample worst case; or none (skips attacks,"
          + " stability and masking checks)",
      t -> t.equalsIgnoreCase("none") ? "none" : AttackKind.parse(t).json(), v -> true, "an attack list or none");
  /** l2 attack radii in input units, for every attack. */
  public static final AuditOption<List<Double>> PGD_EPS = AuditOption.radii("pgdEps", "--eps",
      RobustnessSettings.defaults().eps(), "l2 attack radii in input units, comma-separated, for every attack")
      .withAlias("--pgd-eps");
  /** Queries per sample of the Square attack. */
  public static final AuditOption<Integer> SQUARE_QUERIES = AuditOption.integer("squareQueries", "--square-queries",
      RobustnessSettings.defaults().squareQueries(), "Queries per sample of the gradient-free Square attack", 1);
  /** Target classes of APGD-T. */
  public static final AuditOption<Integer> TARGETS = AuditOption.integer("targets", "--targets",
      RobustnessSettings.defaults().targets(), "Target classes of APGD-T and FAB-T (at most K-1 are used)", 1);
  /** Steps of the minimum-norm attack (0 skips it). */
  public static final AuditOption<Integer> MIN_NORM_STEPS = AuditOption.integer("minNormSteps", "--min-norm-steps",
      RobustnessSettings.defaults().minNormSteps(),
      "Steps of the FMN minimum-norm attack giving each sample's smallest breaking radius (0 skips it)", 0);
  /** Attack steps per restart. */
  public static final AuditOption<Integer> PGD_STEPS = AuditOption.integer("pgdSteps", "--pgd-steps",
      PgdL2.DEFAULT_STEPS, "Attack steps per restart (step size 2.5·ε/steps)", 1);
  /** Random restarts inside the ε-ball. */
  public static final AuditOption<Integer> PGD_RESTARTS = AuditOption.integer("pgdRestarts", "--pgd-restarts",
      PgdL2.DEFAULT_RESTARTS, "Random restarts inside the ε-ball", 1);
  /** Valid input range lo,hi (null: the model's metadata, else 0,1). */
  public static final AuditOption<String> INPUT_RANGE = new AuditOption<>("inputRange", List.of("--input-range"), null,
      "Valid input range lo,hi that attacks clip to (default: the model's input_range metadata, else 0,1)",
      t -> {
        InputRange.parse("--input-range", t);
        return t;
      }, v -> true, "lo,hi");
  /** Radii of the gradient-stability probe. */
  public static final AuditOption<List<Double>> STABILITY_RADII = AuditOption.radii("stabilityRadii", "--stability-radii",
      RobustnessSettings.defaults().stabilityRadii(), "Radii of the gradient-stability probe, comma-separated");
  /** Directions for the stability probe (.npy) instead of random ones. */
  public static final AuditOption<String> NOISE = AuditOption.text("noise", "--noise", null,
      "Directions for the stability probe (.npy, one unit direction per test sample) instead of random ones");
  /** Folder for the worst-case adversarial inputs per ε. */
  public static final AuditOption<String> SAVE_ADVERSARIAL = AuditOption.text("saveAdversarial", "--save-adversarial",
      null, "Write the worst-case adversarial inputs per ε (eps_<ε>.npy) into this folder");

  /** Skip the data-free curvature bound. */
  public static final AuditOption<Boolean> NO_BOUND = AuditOption.flagSwitch("noBound", "--no-bound",
      "Skip the data-free curvature bound of Theorem 1 (see lcnn bound)");
  /** Hessian eigenvalues of largest magnitude per sample (0: off). */
  public static final AuditOption<Integer> EIGEN_K = AuditOption.integer("eigenK", "--eigen-k", 0,
      "Per test sample: the K Hessian eigenvalues of largest magnitude, and the most negative and most positive ones"
          + " (0: off)", 0);
  /** Estimate the Hessian's eigenvalue density. */
  public static final AuditOption<Boolean> SPECTRUM = AuditOption.flagSwitch("spectrum", "--spectrum",
      "Estimate the Hessian's eigenvalue density by stochastic Lanczos quadrature");
  /** First test samples of the spectrum stage. */
  public static final AuditOption<Integer> SPECTRUM_SAMPLES = AuditOption.integer("spectrumSamples",
      "--spectrum-samples", SpectrumSettings.DEFAULT_SAMPLES, "First test samples of --eigen-k and --spectrum", 1);
  /** SLQ start vectors per sample. */
  public static final AuditOption<Integer> SPECTRUM_PROBES = AuditOption.integer("spectrumProbes", "--spectrum-probes",
      io.lcnn.auditor.geometry.SpectrumMeter.DEFAULT_PROBES, "SLQ start vectors (Rademacher) per sample", 1);
  /** Lanczos steps per SLQ start vector. */
  public static final AuditOption<Integer> SPECTRUM_STEPS = AuditOption.integer("spectrumSteps", "--spectrum-steps",
      io.lcnn.auditor.geometry.SpectrumMeter.DEFAULT_SLQ_STEPS, "Lanczos steps per SLQ start vector", 2);
  /** Gaussian kernel width of the density. */
  public static final AuditOption<Double> SPECTRUM_KERNEL = AuditOption.real("spectrumKernel", "--spectrum-kernel", 0.0,
      "Gaussian kernel width of the density, in eigenvalue units (0: 1% of the range)", v -> v >= 0, "≥ 0");

  /** Every audit option, in {@code --help} order. */
  public static final List<AuditOption<?>> ALL = List.of(
      DEVICE, WORKERS, THREADS, SPARK, BATCH_SIZE, MEMORY_BUDGET, EPSILON, EIGEN, EIGEN_ITERS, EIGEN_TOL, OUTPUT, OUTPUT_NAME, MAX_SAMPLES,
      SEED, GRADIENTS,
      FD_STEP, FD_HVP_STEP, SELF_CHECK_SAMPLES, FD_ROWS_PER_CALL, ATTACK, PGD_EPS, SQUARE_QUERIES, TARGETS, MIN_NORM_STEPS,
      PGD_STEPS, PGD_RESTARTS, INPUT_RANGE,
      STABILITY_RADII, NOISE, SAVE_ADVERSARIAL, NO_BOUND, EIGEN_K, SPECTRUM, SPECTRUM_SAMPLES, SPECTRUM_PROBES,
      SPECTRUM_STEPS, SPECTRUM_KERNEL);

  private final OptionValues values;

  private AuditOptions(OptionValues values) {
    this.values = values;
  }

  /** Every option at its default. */
  public static AuditOptions defaults() {
    return new AuditOptions(OptionValues.empty());
  }

  /** The audit options among parsed command-line values (others, e.g. the CLI's own, are ignored). */
  public static AuditOptions of(OptionValues parsed) {
    OptionValues v = OptionValues.empty();
    for (AuditOption<?> o : ALL) {
      v = copy(parsed, v, o);
    }
    return new AuditOptions(v);
  }

  private static <T> OptionValues copy(OptionValues from, OptionValues to, AuditOption<T> o) {
    return from.isSet(o) ? to.with(o, from.get(o)) : to;
  }

  /** The value of {@code option}. */
  public <T> T get(AuditOption<T> option) {
    return values.get(option);
  }

  /** A copy with {@code option} set to {@code value} (checked, the message names the flag). */
  public <T> AuditOptions with(AuditOption<T> option, T value) {
    return new AuditOptions(values.with(option, value));
  }

  /** Every option with its value, keyed by option key (what audit.json's {@code settings.options} holds). */
  public Map<String, Object> asMap() {
    return values.asMap(ALL);
  }

  /** ε of the curvature. */
  public double curvatureEpsilon() {
    return get(EPSILON);
  }

  /** {@code "lanczos"} or {@code "power"}. */
  public String eigenSolver() {
    return get(EIGEN);
  }

  /** HVP cap per sample, 0 for the solver's default. */
  public int eigenMaxIterations() {
    return get(EIGEN_ITERS);
  }

  /** Relative residual tolerance of the eigen-solver. */
  public double eigenTolerance() {
    return get(EIGEN_TOL);
  }

  /** Samples per ONNX Runtime call and per unit of work. */
  public int batchSize() {
    return get(BATCH_SIZE);
  }

  /** Intra-op threads as given (0: automatic, see {@link #threadsFor(int)}). */
  public int threads() {
    return get(THREADS);
  }

  /** Parallel workers. */
  public int workers() {
    return get(WORKERS);
  }

  /** The intra-op threads per worker when {@code workers} workers run: the option, or cores / workers (at least 1). */
  public int threadsFor(int workers) {
    int t = threads();
    return t > 0 ? t : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
  }

  /** The requested device. */
  public Device device() {
    return Device.parse(get(DEVICE));
  }

  /** Seed of every random draw. */
  public long seed() {
    return get(SEED);
  }

  /** Cap on samples per split (0: all). */
  public int maxSamples() {
    return get(MAX_SAMPLES);
  }

  /** {@code "auto"}, {@code "logits"} or {@code "probabilities"}. */
  public String outputKind() {
    return get(OUTPUT);
  }

  /** What {@code model} outputs under these options: as given, or detected ({@code auto}: a final Softmax). */
  public io.lcnn.auditor.model.OutputKind outputKind(io.lcnn.auditor.model.OnnxModelFile model) {
    return switch (outputKind()) {
      case "logits" -> io.lcnn.auditor.model.OutputKind.LOGITS;
      case "probabilities" -> io.lcnn.auditor.model.OutputKind.PROBABILITIES;
      default -> io.lcnn.auditor.model.OutputKind.detect(model);
    };
  }

  /** Exact, finite-difference, or exact with fallback. */
  public GradientMode gradients() {
    return GradientMode.parse(get(GRADIENTS));
  }

  /** FD gradient step relative to the input scale. */
  public double fdGradientStep() {
    return get(FD_STEP);
  }

  /** FD HVP step relative to the input scale (0: default). */
  public double fdHvpStep() {
    return get(FD_HVP_STEP);
  }

  /** Samples of the self-check. */
  public int selfCheckSamples() {
    return get(SELF_CHECK_SAMPLES);
  }

  /** Perturbed samples per call of the FD oracles. */
  public int fdRowsPerCall() {
    return get(FD_ROWS_PER_CALL);
  }

  /**
   * The robustness probe settings these options give, with the audit's seed and batch size; null
   * when {@code --attack none}.
   */
  public RobustnessSettings robustness() {
    String attack = get(ATTACK);
    if (attack.equals("none")) {
      return null;
    }
    RobustnessSettings s = RobustnessSettings.defaults()
        .withAttack(AttackKind.parse(attack))
        .withEps(get(PGD_EPS))
        .withSteps(get(PGD_STEPS))
        .withRestarts(get(PGD_RESTARTS))
        .withSquareQueries(get(SQUARE_QUERIES))
        .withTargets(get(TARGETS))
        .withMinNormSteps(get(MIN_NORM_STEPS))
        .withStabilityRadii(get(STABILITY_RADII))
        .withSeed(seed())
        .withBatchSize(batchSize());
    if (get(INPUT_RANGE) != null) {
      s = s.withInputRange(InputRange.parse("--input-range", get(INPUT_RANGE)));
    }
    if (get(NOISE) != null) {
      s = s.withNoise(Path.of(get(NOISE)));
    }
    if (get(SAVE_ADVERSARIAL) != null) {
      s = s.withSaveAdversarial(Path.of(get(SAVE_ADVERSARIAL)));
    }
    return s;
  }

  /** The settings of the Hessian spectrum stage. */
  public SpectrumSettings spectrum() {
    return new SpectrumSettings(get(EIGEN_K), get(SPECTRUM), get(SPECTRUM_SAMPLES),
        io.lcnn.auditor.geometry.SpectrumMeter.DEFAULT_MAX_STEPS, io.lcnn.auditor.geometry.SpectrumMeter.DEFAULT_TOLERANCE,
        get(SPECTRUM_PROBES), get(SPECTRUM_STEPS), get(SPECTRUM_KERNEL));
  }

  /** The stages after the merge that these options ask for: the curvature bound and the spectrum. */
  public java.util.List<AuditExtension> geometryStages() {
    java.util.List<AuditExtension> out = new java.util.ArrayList<>();
    if (!get(NO_BOUND)) {
      out.add(new CurvatureBoundExtension());
    }
    SpectrumSettings s = spectrum();
    if (s.enabled()) {
      out.add(new SpectrumExtension(s));
    }
    return out;
  }

  /** The eigen-solver these options name, with the solver's default cap when 0 is given. */
  public EigenSolver solver() {
    int cap = eigenMaxIterations() > 0
        ? eigenMaxIterations()
        : eigenSolver().equals("power") ? PowerIteration.DEFAULT_MAX_ITERATIONS : Lanczos.DEFAULT_MAX_ITERATIONS;
    return EigenSolver.named(eigenSolver(), cap, eigenTolerance());
  }

  /** A copy with another gradient mode. */
  public AuditOptions withGradients(GradientMode mode) {
    return with(GRADIENTS, switch (mode) {
      case AUTO -> "auto";
      case EXACT -> "exact";
      case FINITE_DIFFERENCE -> "finite-difference";
    });
  }

  /** A copy auditing at most {@code n} samples per split. */
  public AuditOptions withMaxSamples(int n) {
    return with(MAX_SAMPLES, n);
  }

  /** A copy with another eigen-solver, cap and tolerance. */
  public AuditOptions withEigen(String solver, int maxIterations, double tolerance) {
    return with(EIGEN, solver).with(EIGEN_ITERS, maxIterations).with(EIGEN_TOL, tolerance);
  }

  /** A copy whose self-check uses {@code n} samples (0 skips it). */
  public AuditOptions withSelfCheckSamples(int n) {
    return with(SELF_CHECK_SAMPLES, n);
  }

  /** A copy with {@code n} parallel workers. */
  public AuditOptions withWorkers(int n) {
    return with(WORKERS, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditOptions other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "AuditOptions" + asMap();
  }
}
