package io.lcnn.auditor.attack;

import io.lcnn.auditor.audit.AuditContext;
import io.lcnn.auditor.audit.AuditExtension;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.AuditSettings;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SplitResult;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The robustness probes as a stage of an audit run: reads the test split's per-sample gradient
 * norm, Hessian norm and curvature from the geometry already in the result, runs
 * {@link RobustnessProbes} with the audit's oracles, and fills {@code attacks},
 * {@code gradientStability}, {@code maskingChecks}, the attack fields of {@code settings} and the
 * model's {@code inputRange}.
 * The audit's seed and batch size replace those of the given settings; the input range is the
 * setting's, else the model's {@code input_range} metadata, else [0, 1]. Exact HVPs are used for
 * the stability probe only when the audit's HVP oracle is exact.
 */
public final class RobustnessExtension implements AuditExtension {
  private final RobustnessSettings settings;
  private final Path auditDir;
  private final IntConsumer progress;

  /**
   * @param settings probe settings (from the command-line flags)
   * @param auditDir folder audit.json will be written to
   * @param progress told the number of oracle calls completed
   */
  public RobustnessExtension(RobustnessSettings settings, Path auditDir, IntConsumer progress) {
    this.settings = settings;
    this.auditDir = auditDir;
    this.progress = progress;
  }

  @Override
  public AuditResult extend(AuditContext context, AuditResult result) {
    RobustnessSettings s = settings
        .withSeed(context.options().seed())
        .withBatchSize(context.options().batchSize())
        .withInputRange(RobustnessProbes.resolveRange(settings, context.model().metadata()));
    double[] gradNorm = null;
    double[] hessNorm = null;
    double[] curvature = null;
    SplitResult test = result.splits() == null ? null : result.splits().get("test");
    if (test != null && test.samples().size() == context.test().size()) {
      List<SampleGeometry> g = test.samples();
      gradNorm = g.stream().mapToDouble(SampleGeometry::gradNorm).toArray();
      hessNorm = g.stream().mapToDouble(SampleGeometry::hessianSpectralNorm).toArray();
      curvature = g.stream().mapToDouble(SampleGeometry::curvature).toArray();
    }
    var hvp = context.hvp() != null && "exact".equals(context.hvp().mode()) ? context.hvp() : null;
    RobustnessReport r = RobustnessProbes.run(
        context.gradient(), hvp, context.test(), s, curvature, gradNorm, hessNorm, auditDir, progress);
    AuditSettings a = result.settings();
    AuditSettings withAttack = a == null ? null : new AuditSettings(
        a.curvatureEpsilon(), a.eigenSolver(), a.eigenMaxIterations(), a.eigenTolerance(), a.batchSize(), a.threads(),
        a.device(), a.seed(), a.maxSamples(), a.fdStep(), a.selfCheckSamples(), a.inputs(), a.labels(),
        a.trainInputs(), a.trainLabels(), s.eps(), s.steps(), s.restarts(), s.attack().json(), s.stabilityRadii());
    ModelInfo m = result.model();
    ModelInfo withRange = m == null ? null : new ModelInfo(m.path(), m.sha256(), m.opset(), m.irVersion(), m.producer(),
        m.inputName(), m.inputShape(), s.inputRange().toArray(), m.outputName(), m.outputKind(), m.numClasses(),
        m.executionProvider(), m.gradientMode(), m.hvpMode(), m.fallbackReasons(), m.opHistogram(), m.parameterCount(),
        m.metadata());
    return new AuditResult(result.schemaVersion(), result.tool(), result.createdAt(), withRange, withAttack,
        result.splits(), result.trainTestDiscrepancy(), result.selfCheck(), r.attacks(), r.gradientStability(),
        r.maskingChecks(), r.gallery() != null ? r.gallery() : result.artifacts(), result.gate(),
        result.curvatureBound(), result.spectrum());
  }
}
