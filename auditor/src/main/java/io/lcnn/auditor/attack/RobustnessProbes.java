package io.lcnn.auditor.attack;

import io.lcnn.auditor.masking.MaskingChecks;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.Artifacts;
import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.auditor.stability.GradientStabilityProbe;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The one call the audit runner makes for issue 4: l2 attacks ({@link AttackSuite}), gradient
 * stability ({@link GradientStabilityProbe}) and gradient-masking checks ({@link MaskingChecks})
 * on the test split, optionally saving the worst-case adversarial inputs.
 */
public final class RobustnessProbes {
  private RobustnessProbes() {}

  /**
   * The input range to attack in: the setting when given, else the model metadata's
   * {@code input_range}, else [0, 1].
   */
  public static InputRange resolveRange(RobustnessSettings settings, Map<String, String> modelMetadata) {
    return settings.inputRange() != null ? settings.inputRange() : InputRange.fromMetadata(modelMetadata, InputRange.UNIT);
  }

  /** {@link #run(GradientOracle, HvpOracle, LabeledData, RobustnessSettings, double[], double[], double[], Path, IntConsumer)} without HVPs or progress. */
  public static RobustnessReport run(
      GradientOracle oracle, LabeledData test, RobustnessSettings settings,
      double[] curvature, double[] gradNorm, double[] hessNorm, Path auditDir) {
    return run(oracle, null, test, settings, curvature, gradNorm, hessNorm, auditDir, n -> {});
  }

  /**
   * Runs every probe.
   *
   * @param oracle loss and input gradients of the audited model
   * @param hvp exact Hessian-vector products of the same model, which resolve relative gradient
   *     changes below 1e-3 without float32 cancellation (see {@link GradientStabilityProbe}); may
   *     be null
   * @param test the attacked samples (inputs inside the input range)
   * @param settings probe settings; a null input range means [0, 1] (resolve metadata first with
   *     {@link #resolveRange})
   * @param curvature per test sample C_f(x), for the stability prediction; may be null
   * @param gradNorm per test sample ‖∇f(x)‖₂, for the quadratic-model masking check; may be null
   * @param hessNorm per test sample ‖∇²f(x)‖₂, for the same check; may be null
   * @param auditDir folder of audit.json; the saved adversarial folder is recorded relative to it,
   *     and the report's gallery arrays are written under it (null: no gallery)
   * @param progress told the number of oracle calls completed
   */
  public static RobustnessReport run(
      GradientOracle oracle, HvpOracle hvp, LabeledData test, RobustnessSettings settings,
      double[] curvature, double[] gradNorm, double[] hessNorm, Path auditDir, IntConsumer progress) {
    InputRange range = settings.inputRange() != null ? settings.inputRange() : InputRange.UNIT;
    checkInRange(test, range);
    AttackSuite suite = new AttackSuite(settings.attack().attacks(settings, range), settings.eps(), settings.batchSize(),
        settings.saveAdversarial() != null);
    AttackSuite.Outcome outcome = suite.run(oracle, test, progress);
    String saved = null;
    if (settings.saveAdversarial() != null) {
      AdversarialWriter.write(settings.saveAdversarial(), outcome);
      saved = relative(auditDir, settings.saveAdversarial());
    }
    SmallestRadii radii = settings.minNormSteps() == 0 ? null
        : new SmallestRadiusProbe(FmnL2.withDefaults(settings.minNormSteps(), settings.seed(), range), settings.batchSize())
            .run(oracle, test, outcome, gradNorm, hessNorm, progress);
    AttackResults attacks = toResults(outcome, settings, range, saved, radii);
    GradientStability stability = stability(oracle, hvp, test, settings, curvature, progress);
    List<MaskingCheck> checks = new MaskingChecks(settings, range).run(oracle, test, outcome, gradNorm, hessNorm, progress);
    checks = new java.util.ArrayList<>(checks);
    checks.add(io.lcnn.auditor.masking.AdversarialSanity.check(test, outcome, range));
    Artifacts gallery = auditDir == null ? null : GalleryWriter.write(auditDir, oracle, test, outcome, GalleryWriter.DEFAULT_SIZE);
    return new RobustnessReport(attacks, stability, checks, gallery);
  }

  /** The audit.json block of a suite outcome. */
  public static AttackResults toResults(
      AttackSuite.Outcome o, RobustnessSettings s, InputRange range, String adversarialDir, SmallestRadii radii) {
    Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();
    for (String name : o.brokenByAttack().keySet()) {
      Map<String, Double> perEps = new LinkedHashMap<>();
      for (int e = 0; e < o.eps().size(); e++) {
        perEps.put(String.valueOf(o.eps().get(e)), o.accuracy(name, e));
      }
      accuracy.put(name, perEps);
    }
    Map<String, Double> worst = new LinkedHashMap<>();
    for (int e = 0; e < o.eps().size(); e++) {
      worst.put(String.valueOf(o.eps().get(e)), o.worstCaseAccuracy(e));
    }
    return new AttackResults(o.eps(), s.steps(), s.stepSizeFactor(), s.restarts(), s.seed(), range.toArray(),
        o.samples(), o.cleanAccuracy(), accuracy, worst, o.smallestBreakingEps(), adversarialDir, radii);
  }

  private static GradientStability stability(
      GradientOracle oracle, HvpOracle hvp, LabeledData test, RobustnessSettings s, double[] curvature, IntConsumer progress) {
    GradientStabilityProbe probe = new GradientStabilityProbe(s.stabilityRadii(), s.stabilityDirections(), s.seed(), s.batchSize());
    if (s.noise() == null) {
      return probe.run(oracle, hvp, test, curvature, null, "random", progress);
    }
    FloatTensor noise = Npy.readFloats(s.noise());
    int m = noise.batchSize();
    if (m > test.size()) {
      throw new IllegalArgumentException(s.noise() + ": " + m + " directions for " + test.size() + " test samples; give at most one per sample");
    }
    double[] c = curvature == null ? null : java.util.Arrays.copyOf(curvature, m);
    return probe.run(oracle, hvp, test.head(m), c, noise, s.noise().toString(), progress);
  }

  private static void checkInRange(LabeledData test, InputRange range) {
    float[] v = test.inputs().data();
    int d = test.inputs().sampleSize();
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= range.lo() && v[i] <= range.hi())) {
        throw new IllegalArgumentException(test.source() + ": sample " + (i / d) + " has value " + v[i]
            + " outside the input range [" + range.lo() + ", " + range.hi() + "]; set the input range to the model's");
      }
    }
  }

  private static String relative(Path auditDir, Path dir) {
    Path a = auditDir.toAbsolutePath().normalize();
    Path b = dir.toAbsolutePath().normalize();
    return b.startsWith(a) ? a.relativize(b).toString() : b.toString();
  }
}
