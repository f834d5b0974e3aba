package io.lcnn.auditor.audit;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.attack.RobustnessProbes;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.data.Slices;
import io.lcnn.auditor.diff.UnsupportedOpsException;
import io.lcnn.auditor.hybrid.HybridOracleFactory;
import io.lcnn.auditor.model.LeadingAxes;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.DynamicBatchView;
import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.OnnxModelFunction;
import io.lcnn.auditor.result.Artifacts;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.AuditSettings;
import io.lcnn.auditor.result.MemoryPlan;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.Provenance;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs an audit: validates every input against the model before any work, decides the oracles
 * (exact, or finite differences with a recorded reason), cuts the splits into units of work of
 * {@code batchSize} samples ({@link Shard}), runs them with {@link AuditShard} on
 * {@code workers} parallel workers (each with its own ONNX Runtime sessions, opened once; the
 * exact graphs are derived once), merges the per-sample results ({@link AuditMerge}), writes the
 * gallery and runs any extensions, and returns the {@link AuditResult}. With {@code --spark} the shards
 * run on the {@link AuditEngine} found for it instead (the driver keeps one worker for the
 * self-check and the extensions). audit.json is not written here; the caller writes it
 * (atomically) after this returns, so a failed audit leaves
 * no partial file.
 */
public final class AuditRunner {
  private final AuditOptions options;
  private final OracleFactory exactFactory;
  private final List<AuditExtension> extensions;
  private final PrintStream notices;
  private final ProgressListener progress;
  private final String tool;
  private final AuditEngine engine;

  /**
   * @param options settings
   * @param exactFactory maker of the exact oracles (normally {@link ExactOracleFactory})
   * @param extensions further stages after the merge, in order, run after the curvature-bound and spectrum stages
   *     the options ask for; they run on one worker's oracles
   * @param notices where one-line notices (fallbacks, device) go
   * @param progress progress of the audit, in samples
   * @param tool tool name and version recorded in audit.json
   */
  public AuditRunner(
      AuditOptions options,
      OracleFactory exactFactory,
      List<AuditExtension> extensions,
      PrintStream notices,
      ProgressListener progress,
      String tool) {
    this.options = options;
    this.exactFactory = exactFactory;
    List<AuditExtension> all = new ArrayList<>(options.geometryStages());
    all.addAll(extensions);
    this.extensions = List.copyOf(all);
    this.notices = notices;
    this.progress = progress;
    this.tool = tool;
    this.engine = AuditEngine.forOptions(options);
  }

  /** {@link #run(OnnxModelFile, AuditData, FloatTensor, String, Path)} without an audit folder (no gallery). */
  public AuditOutcome run(OnnxModelFile model, AuditData data, FloatTensor hvpProbe, String probeName) {
    return run(model, data, hvpProbe, probeName, null);
  }

  /**
   * Audits {@code model} on {@code data}.
   *
   * @param hvpProbe per-sample directions [N_test, ...] for an H·v dump, or null
   * @param probeName file name of the probe, for messages
   * @param auditDir folder audit.json will be written to (the report's gallery goes under it), or null
   * @throws InvalidInputException, ModelLoadException, DatasetException with one-line messages on bad input
   */
  public AuditOutcome run(OnnxModelFile model, AuditData data, FloatTensor hvpProbe, String probeName, Path auditDir) {
    OnnxModelFile given = model;
    LeadingAxes.Result unwrapped = LeadingAxes.unwrap(model, data.test().inputs().shape().length);
    model = unwrapped.model();
    checkModelInput(model);
    LabeledData test = cut(data.test());
    LabeledData train = data.train() == null ? null : cut(data.train());
    InputValidator.checkInputs(model, test, data.testInputs());
    if (train != null) {
      InputValidator.checkInputs(model, train, data.trainInputs());
    }
    if (hvpProbe != null) {
      checkProbe(hvpProbe, test, probeName);
    }
    RobustnessSettings robustness = options.robustness();
    FloatTensor noise = null;
    if (robustness != null) {
      robustness = robustness.withInputRange(RobustnessProbes.resolveRange(robustness, model.metadata()));
      noise = robustness.noise() == null ? null : Npy.readFloats(robustness.noise());
      try {
        RobustnessProbes.checkInputs(test, robustness, noise);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
    }
    for (AuditExtension e : extensions) {
      e.check(model, test);
    }
    MemoryPlan memory = MemoryPlanner.plan(model, options);
    int b = memory.batchSize();
    // from here on the options are the ones the audit runs with: the batch size the budget allows
    AuditOptions options = this.options.with(AuditOptions.BATCH_SIZE, b);
    robustness = robustness == null ? null : robustness.withBatchSize(b);
    int workers = engine != null ? 1 : Math.max(1, Math.min(Math.min(options.workers(), memory.maxWorkers()),
        blocks(test, b) + (train == null ? 0 : blocks(train, b))));
    int threads = engine != null ? Math.max(1, options.threads()) : options.threadsFor(workers);
    OrtRuntime runtime = new OrtRuntime(options.device(), threads, notices);
    OnnxModelFile file = model;
    List<String> adaptations = new ArrayList<>();
    if (file.outputNote() != null) {
      adaptations.add(file.outputNote());
    }
    if (unwrapped.note() != null) {
      adaptations.add(unwrapped.note());
    }
    DynamicBatchView.Result batchView = DynamicBatchView.relax(file, runtime);
    model = batchView.model();
    if (batchView.note() != null) {
      adaptations.add(batchView.note());
    }
    adaptations.forEach(a -> notices.println("notice: " + a));
    OutputKind kind = options.outputKind(model);
    int classes;
    try (OnnxModelFunction forward = new OnnxModelFunction(model, runtime, options.batchSize())) {
      classes = numClasses(model, forward, test);
    }
    InputValidator.checkLabels(test, classes, data.testLabels());
    if (train != null) {
      InputValidator.checkLabels(train, classes, data.trainLabels());
    }
    if (memory.batchSize() != memory.requestedBatchSize() || memory.forwardBytesPerSample() == null) {
      notices.println("notice: memory budget: " + memory.note());
    }
    List<String> fallbackReasons = new ArrayList<>();
    List<OracleSet> sets = new ArrayList<>();
    try {
      OracleSet first = oracles(model, runtime, kind, fallbackReasons, notices);
      sets.add(first);
      for (int w = 1; w < workers; w++) {
        OrtRuntime rt = new OrtRuntime(options.device(), threads, notices);
        sets.add(oracles(model, rt, kind, new ArrayList<>(), QUIET));
      }
      double hvpStep = "exact".equals(first.hvp().mode()) ? 0 : fdHvpStep();
      AuditPlan plan = new AuditPlan(options, robustness, hvpStep, true);
      List<Shard> shards = shards(test, train, noise, hvpProbe, b);
      progress.start("samples", test.size() + (train == null ? 0 : train.size()));
      if (robustness != null) {
        progress.startAttacks(RobustnessProbes.attackSteps(robustness, test.size()));
      }
      List<ShardResult> results;
      Provenance.Engine ran = new Provenance.Engine("local", workers, threads, null);
      try {
        if (engine == null) {
          results = new ShardExecutor(sets).run(plan, shards, this::advance, progress::advanceAttack);
        } else {
          AuditEngine.Run run = engine.run(new AuditEngine.Job(
              model, data, plan, shards, first.gradient().mode(), first.hvp().mode(), auditDir), this::advance);
          results = run.results();
          ran = run.engine();
        }
      } finally {
        progress.finish();
      }
      AuditMerge.Merged merged = AuditMerge.merge(plan, results, auditDir);
      SelfCheck selfCheck = null;
      if (options.selfCheckSamples() > 0) {
        int k = Math.min(options.selfCheckSamples(), test.size());
        k = b < memory.requestedBatchSize() ? Math.min(k, b) : k;
        selfCheck = new SelfChecker(options.fdGradientStep(), model.opHistogram(), kind)
            .check(first.gradient(), first.hvp(), hvpStep, test.inputs().slice(0, k), Arrays.copyOf(test.labels(), k));
      }
      ModelInfo info = modelInfo(given, kind, classes, runtime, first, fallbackReasons, robustness, adaptations);
      var r = merged.robustness();
      Artifacts gallery = r == null ? null : RobustnessProbes.writeArtifacts(
          first.gradient(), test, robustness, merged.robustnessSamples().attacks(), auditDir);
      AuditResult result = new AuditResult(
          AuditResult.SCHEMA_VERSION, tool, Instant.now().toString(), info, settings(options, data, hvpStep, robustness, memory),
          merged.splits(), merged.discrepancy(), selfCheck, r == null ? null : r.attacks(),
          r == null ? null : r.gradientStability(), r == null ? null : r.maskingChecks(), gallery, null,
          provenance(model, data, probeName, runtime, ran), null, null);
      AuditContext context = new AuditContext(
          model, runtime, kind, classes, first.gradient(), first.hvp(), test, train, options, notices);
      for (AuditExtension e : extensions) {
        result = e.extend(context, result);
      }
      return new AuditOutcome(result, merged.testGradients(), merged.hvpProducts());
    } finally {
      closeAll(sets);
    }
  }

  private synchronized void advance(int samples) {
    progress.advance(samples);
  }

  private static int blocks(LabeledData d, int b) {
    return (d.size() + b - 1) / b;
  }

  /** Units of work: {@code batchSize} consecutive samples of a split each, test first. */
  private static List<Shard> shards(LabeledData test, LabeledData train, FloatTensor noise, FloatTensor probe, int b) {
    List<Shard> out = new ArrayList<>();
    for (int from = 0; from < test.size(); from += b) {
      int to = Math.min(test.size(), from + b);
      FloatTensor n = null;
      if (noise != null && from < noise.batchSize()) {
        n = noise.slice(from, Math.min(to, noise.batchSize()));
      }
      out.add(new Shard("test", from, Slices.range(test, from, to), n, probe == null ? null : probe.slice(from, to)));
    }
    if (train != null) {
      for (int from = 0; from < train.size(); from += b) {
        out.add(new Shard("train", from, Slices.range(train, from, Math.min(train.size(), from + b)), null, null));
      }
    }
    return out;
  }

  private static void closeAll(List<OracleSet> sets) {
    RuntimeException failure = null;
    for (OracleSet s : sets) {
      try {
        s.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private Provenance provenance(
      OnnxModelFile model, AuditData data, String probeName, OrtRuntime runtime, Provenance.Engine engine) {
    Map<String, String> digests = new LinkedHashMap<>();
    for (String f : new String[] {data.testInputs(), data.testLabels(), data.trainInputs(), data.trainLabels(),
        options.get(AuditOptions.NOISE), probeName}) {
      FileDigest.addIfFile(digests, f);
    }
    return new Provenance(tool, runtime.environment().getVersion(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        engine, model.sha256(), digests);
  }

  private LabeledData cut(LabeledData d) {
    return options.maxSamples() > 0 ? d.head(options.maxSamples()) : d;
  }

  private double fdHvpStep() {
    return options.fdHvpStep() > 0 ? options.fdHvpStep() : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES;
  }

  private FiniteDifferenceOracleFactory fdFactory() {
    return new FiniteDifferenceOracleFactory(options.fdGradientStep(), fdHvpStep(), options.fdRowsPerCall());
  }

  /** Where the notices of the second and later workers' identical oracle choices go. */
  private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

  /**
   * The oracles of one worker: exact; else exact except the nodes without a rule (hybrid); else
   * finite differences. Every worker makes the same choice, so the numbers never depend on which
   * worker measured a sample.
   */
  private OracleSet oracles(
      OnnxModelFile model, OrtRuntime runtime, OutputKind kind, List<String> fallbackReasons, PrintStream say) {
    GradientMode mode = options.gradients();
    if (mode != GradientMode.FINITE_DIFFERENCE) {
      try {
        return exactFactory.create(model, runtime, kind);
      } catch (ExactOraclesUnavailableException e) {
        if (mode == GradientMode.EXACT) {
          throw new ModelLoadException(model.path() + ": cannot differentiate exactly: " + e.getMessage(), e);
        }
        fallbackReasons.add(e.getMessage());
        if (e.getCause() instanceof UnsupportedOpsException refusal) {
          try {
            HybridOracleFactory hybrid = HybridOracleFactory.create(model, runtime, kind, refusal, options.fdHvpStep() > 0
                ? options.fdHvpStep() : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES);
            fallbackReasons.add(hybrid.reason());
            say.println("notice: exact gradients unavailable (" + io.lcnn.errors.PrintableText.oneLine(e.getMessage()) + "); " + hybrid.reason());
            return hybrid.oracles();
          } catch (ExactOraclesUnavailableException h) {
            fallbackReasons.add(h.getMessage());
          }
        }
        say.println("notice: exact gradients unavailable (" + io.lcnn.errors.PrintableText.oneLine(e.getMessage()) + "); using finite differences");
      }
    } else {
      fallbackReasons.add("finite differences requested (--gradients finite-difference)");
    }
    return fdFactory().create(model, runtime, kind);
  }

  private static void checkProbe(FloatTensor probe, LabeledData test, String probeName) {
    if (probe.shape().length == 0
        || probe.batchSize() < test.size()
        || !Arrays.equals(probe.sampleShape(), test.inputs().sampleShape())) {
      throw new InvalidInputException(probeName + ": probe shape " + Arrays.toString(probe.shape())
          + " does not match the audited test inputs " + Arrays.toString(test.inputs().shape()));
    }
    for (int k = 0; k < test.size() * test.inputs().sampleSize(); k++) {
      if (!Float.isFinite(probe.data()[k])) {
        throw new InvalidInputException(probeName + ": probe values must be finite");
      }
    }
  }

  private static void checkModelInput(OnnxModelFile model) {
    for (OnnxMl.ValueInfoProto vi : model.proto().getGraph().getInputList()) {
      if (vi.getName().equals(model.inputName())) {
        int t = vi.getType().getTensorType().getElemType();
        if (t != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
          throw new ModelLoadException(model.path() + ": input '" + model.inputName() + "' has element type "
              + OnnxMl.TensorProto.DataType.forNumber(t) + "; the auditor needs a float32 image input");
        }
      }
    }
  }

  private static int numClasses(OnnxModelFile model, OnnxModelFunction forward, LabeledData test) {
    for (OnnxMl.ValueInfoProto vi : model.proto().getGraph().getOutputList()) {
      if (vi.getName().equals(model.outputName())) {
        List<OnnxMl.TensorShapeProto.Dimension> dims = vi.getType().getTensorType().getShape().getDimList();
        if (dims.size() == 2 && dims.get(1).hasDimValue() && dims.get(1).getDimValue() > 0) {
          return Math.toIntExact(dims.get(1).getDimValue());
        }
      }
    }
    return forward.outputs(test.inputs().slice(0, 1)).sampleSize();
  }

  private ModelInfo modelInfo(OnnxModelFile model, OutputKind kind, int classes, OrtRuntime runtime, OracleSet oracles,
      List<String> reasons, RobustnessSettings robustness, List<String> adaptations) {
    OnnxMl.ModelProto p = model.proto();
    String producer = (p.getProducerName() + " " + p.getProducerVersion()).strip();
    return new ModelInfo(
        model.path().toString(),
        model.sha256(),
        model.opset(),
        p.getIrVersion(),
        producer.isEmpty() ? null : producer,
        model.inputName(),
        model.inputShape(),
        robustness == null ? null : robustness.inputRange().toArray(),
        model.outputName(),
        kind.json(),
        classes,
        runtime.provider(),
        oracles.gradient().mode(),
        oracles.hvp().mode(),
        List.copyOf(reasons),
        model.opHistogram(),
        model.parameterCount(),
        model.metadata(),
        adaptations.isEmpty() ? null : List.copyOf(adaptations));
  }

  private static AuditSettings settings(AuditOptions options, AuditData data, double hvpStep, RobustnessSettings r,
      MemoryPlan memory) {
    var solver = options.solver();
    return new AuditSettings(
        options.curvatureEpsilon(),
        solver.name(),
        solver.maxIterations(),
        solver.tolerance(),
        options.batchSize(),
        options.threads(),
        options.device().name().toLowerCase(Locale.ROOT),
        options.seed(),
        options.maxSamples(),
        hvpStep > 0 ? 2 * hvpStep : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP,
        options.selfCheckSamples(),
        data.testInputs(),
        data.testLabels(),
        data.trainInputs(),
        data.trainLabels(),
        r == null ? null : r.eps(),
        r == null ? null : r.steps(),
        r == null ? null : r.restarts(),
        r == null ? null : r.attack().json(),
        r == null ? null : r.stabilityRadii(),
        options.asMap(),
        memory);
  }
}
