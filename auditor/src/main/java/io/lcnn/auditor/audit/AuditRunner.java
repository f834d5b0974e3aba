package io.lcnn.auditor.audit;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.geometry.BatchGeometry;
import io.lcnn.auditor.geometry.GeometryMeter;
import io.lcnn.auditor.geometry.SplitStatistics;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.OnnxModelFunction;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.AuditSettings;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs an audit: validates the inputs against the model, builds the oracles (exact, or finite
 * differences with a recorded reason), measures per-sample geometry of each split in batches,
 * summarizes the splits and their discrepancy, runs the self-check and any extensions, and
 * returns the {@link AuditResult}. Nothing is written; the caller writes audit.json (atomically)
 * only after this returns, so a failed audit leaves no partial file.
 */
public final class AuditRunner {
  private final AuditOptions options;
  private final OracleFactory exactFactory;
  private final List<AuditExtension> extensions;
  private final PrintStream notices;
  private final ProgressListener progress;
  private final String tool;

  /**
   * @param options settings
   * @param exactFactory maker of the exact oracles (normally {@link ExactOracleFactory})
   * @param extensions further stages (attacks, stability, masking checks), in order
   * @param notices where one-line notices (fallbacks, device) go
   * @param progress progress of the geometry, per split
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
    this.extensions = List.copyOf(extensions);
    this.notices = notices;
    this.progress = progress;
    this.tool = tool;
  }

  /**
   * Audits {@code model} on {@code data}.
   *
   * @param hvpProbe per-sample directions [N_test, ...] for an H·v dump, or null
   * @param probeName file name of the probe, for messages
   * @throws InvalidInputException, ModelLoadException, DatasetException with one-line messages on bad input
   */
  public AuditOutcome run(OnnxModelFile model, AuditData data, FloatTensor hvpProbe, String probeName) {
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
    OrtRuntime runtime = new OrtRuntime(options.device(), options.threads(), notices);
    OutputKind kind = resolveKind(model);
    int classes;
    try (OnnxModelFunction forward = new OnnxModelFunction(model, runtime, options.batchSize())) {
      classes = numClasses(model, forward, test);
    }
    InputValidator.checkLabels(test, classes, data.testLabels());
    if (train != null) {
      InputValidator.checkLabels(train, classes, data.trainLabels());
    }
    List<String> fallbackReasons = new ArrayList<>();
    try (OracleSet oracles = oracles(model, runtime, kind, fallbackReasons)) {
      double hvpStep = "exact".equals(oracles.hvp().mode()) ? 0 : options.fdHvpStep() > 0
          ? options.fdHvpStep()
          : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES;
      GeometryMeter meter = new GeometryMeter(
          oracles.gradient(), oracles.hvp(), options.solver(), options.curvatureEpsilon());
      Map<String, SplitResult> splits = new LinkedHashMap<>();
      FloatTensor[] testGradients = new FloatTensor[1];
      splits.put("test", measure("test", meter, test, options.seed(), testGradients));
      Discrepancy discrepancy = null;
      if (train != null) {
        SplitResult tr = measure("train", meter, train, options.seed() + 0x9E3779B97F4A7C15L, null);
        splits.put("train", tr);
        discrepancy = SplitStatistics.discrepancy(
            splits.get("test").summary(), tr.summary(), splits.get("test").samples(), tr.samples(), options.seed());
      }
      SelfCheck selfCheck = null;
      if (options.selfCheckSamples() > 0) {
        int k = Math.min(options.selfCheckSamples(), test.size());
        selfCheck = new SelfChecker(options.fdGradientStep())
            .check(oracles.gradient(), oracles.hvp(), hvpStep, test.inputs().slice(0, k), Arrays.copyOf(test.labels(), k));
      }
      FloatTensor hvpProducts = hvpProbe == null ? null : probeProducts(oracles, test, hvpProbe);
      ModelInfo info = modelInfo(model, kind, classes, runtime, oracles, fallbackReasons);
      AuditResult result = new AuditResult(
          AuditResult.SCHEMA_VERSION, tool, Instant.now().toString(), info, settings(data, hvpStep), splits,
          discrepancy, selfCheck, null, null, null, null, null);
      AuditContext context = new AuditContext(
          model, runtime, kind, classes, oracles.gradient(), oracles.hvp(), test, train, options, notices);
      for (AuditExtension e : extensions) {
        result = e.extend(context, result);
      }
      return new AuditOutcome(result, testGradients[0], hvpProducts);
    }
  }

  private LabeledData cut(LabeledData d) {
    return options.maxSamples() > 0 ? d.head(options.maxSamples()) : d;
  }

  private OracleSet oracles(OnnxModelFile model, OrtRuntime runtime, OutputKind kind, List<String> fallbackReasons) {
    GradientMode mode = options.gradients();
    if (mode != GradientMode.FINITE_DIFFERENCE) {
      try {
        return exactFactory.create(model, runtime, kind);
      } catch (ExactOraclesUnavailableException e) {
        if (mode == GradientMode.EXACT) {
          throw new ModelLoadException(model.path() + ": cannot differentiate exactly: " + e.getMessage(), e);
        }
        fallbackReasons.add(e.getMessage());
        notices.println("notice: exact gradients unavailable (" + e.getMessage() + "); using finite differences");
      }
    } else {
      fallbackReasons.add("finite differences requested (--gradients finite-difference)");
    }
    double hvpStep = options.fdHvpStep() > 0
        ? options.fdHvpStep()
        : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES;
    return new FiniteDifferenceOracleFactory(options.fdGradientStep(), hvpStep, options.fdRowsPerCall())
        .create(model, runtime, kind);
  }

  private SplitResult measure(String split, GeometryMeter meter, LabeledData data, long seed, FloatTensor[] gradientsOut) {
    int n = data.size();
    int b = options.batchSize();
    List<SampleGeometry> samples = new ArrayList<>();
    float[] grads = gradientsOut == null ? null : new float[data.inputs().data().length];
    progress.start(split, n);
    try {
      for (int from = 0; from < n; from += b) {
        int to = Math.min(n, from + b);
        BatchGeometry bg = meter.measure(
            data.inputs().slice(from, to), Arrays.copyOfRange(data.labels(), from, to), from, seed + from);
        samples.addAll(bg.samples());
        if (grads != null) {
          System.arraycopy(bg.gradients().data(), 0, grads, from * data.inputs().sampleSize(), bg.gradients().data().length);
        }
        progress.advance(to - from);
      }
    } finally {
      progress.finish();
    }
    if (gradientsOut != null) {
      gradientsOut[0] = new FloatTensor(data.inputs().shape().clone(), grads);
    }
    SplitSummary summary = SplitStatistics.summarize(samples);
    return new SplitResult(samples, summary);
  }

  private FloatTensor probeProducts(OracleSet oracles, LabeledData test, FloatTensor probe) {
    int n = test.size();
    int b = options.batchSize();
    float[] out = new float[test.inputs().data().length];
    for (int from = 0; from < n; from += b) {
      int to = Math.min(n, from + b);
      FloatTensor hv = oracles.hvp().hvp(
          test.inputs().slice(from, to), Arrays.copyOfRange(test.labels(), from, to), probe.slice(from, to));
      System.arraycopy(hv.data(), 0, out, from * test.inputs().sampleSize(), hv.data().length);
    }
    return new FloatTensor(test.inputs().shape().clone(), out);
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

  private OutputKind resolveKind(OnnxModelFile model) {
    return OutputKind.resolve(options.outputKind(), model);
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

  private ModelInfo modelInfo(
      OnnxModelFile model, OutputKind kind, int classes, OrtRuntime runtime, OracleSet oracles, List<String> reasons) {
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
        null,
        model.outputName(),
        kind.json(),
        classes,
        runtime.provider(),
        oracles.gradient().mode(),
        oracles.hvp().mode(),
        List.copyOf(reasons),
        model.opHistogram(),
        model.parameterCount(),
        model.metadata());
  }

  private AuditSettings settings(AuditData data, double hvpStep) {
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
        null, null, null, null, null);
  }
}
