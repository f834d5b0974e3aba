package io.lcnn.auditor.attack;

import io.lcnn.auditor.masking.AdversarialSanity;
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
import java.util.ArrayList;
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
    FloatTensor noise = settings.noise() == null ? null : Npy.readFloats(settings.noise());
    if (noise != null) {
      checkNoise(noise, settings.noise(), test);
    }
    RobustnessSamples all = measure(oracle, hvp, test, 0, settings, noise, gradNorm, hessNorm, progress);
    RobustnessReport r = summarize(all, settings, curvature, auditDir);
    Artifacts gallery = writeArtifacts(oracle, test, settings, all.attacks(), auditDir);
    return new RobustnessReport(r.attacks(), r.gradientStability(), r.maskingChecks(), gallery);
  }

  /**
   * Per-sample probes on the test samples {@code slice}, which start at index {@code firstIndex}
   * of the test split: attacks, stability (for samples that have a direction when directions are
   * given) and the masking checks' figures. Every random draw is keyed by a sample's index.
   *
   * @param settings probe settings with the input range resolved
   * @param directions the given stability directions for this slice's samples (at most one per
   *     sample, from its first), or null for random ones
   * @param gradNorm per sample of {@code slice}, or null
   * @param hessNorm per sample of {@code slice}, or null
   */
  public static RobustnessSamples measure(
      GradientOracle oracle, HvpOracle hvp, LabeledData slice, long firstIndex, RobustnessSettings settings,
      FloatTensor directions, double[] gradNorm, double[] hessNorm, IntConsumer progress) {
    return measure(oracle, hvp, slice, firstIndex, settings, directions, gradNorm, hessNorm, progress, AttackProgress.NONE);
  }

  /**
   * As {@link #measure(GradientOracle, HvpOracle, LabeledData, long, RobustnessSettings, FloatTensor, double[], double[],
   * IntConsumer)}, also telling {@code attackProgress} the steps of each attack and of the minimum-norm
   * attack ({@code "fmn"}), up to the totals of {@link #attackSteps}.
   */
  public static RobustnessSamples measure(
      GradientOracle oracle, HvpOracle hvp, LabeledData slice, long firstIndex, RobustnessSettings settings,
      FloatTensor directions, double[] gradNorm, double[] hessNorm, IntConsumer progress, AttackProgress attackProgress) {
    InputRange range = settings.inputRange() != null ? settings.inputRange() : InputRange.UNIT;
    AttackSuite suite = new AttackSuite(settings.attack().attacks(settings, range), settings.eps(), settings.batchSize(),
        settings.saveAdversarial() != null);
    AttackSuite.Outcome outcome = suite.run(oracle, slice, firstIndex, progress, attackProgress);
    GradientStabilityProbe probe = probe(settings);
    GradientStabilityProbe.Samples stability;
    if (settings.noise() == null) {
      stability = probe.measure(oracle, hvp, slice, firstIndex, null, progress);
    } else {
      int m = directions == null ? 0 : directions.batchSize();
      stability = m == 0 ? null : probe.measure(oracle, hvp, slice.head(m), firstIndex, directions, progress);
    }
    MaskingChecks.Samples masking = new MaskingChecks(settings, range)
        .measure(oracle, slice, firstIndex, outcome, gradNorm, hessNorm, progress);
    SmallestRadiusProbe.Samples radii = null;
    if (settings.minNormSteps() > 0) {
      SmallestRadiusProbe radiusProbe = radiusProbe(settings, range);
      long[] steps = {0};
      radii = radiusProbe.measure(oracle, slice, firstIndex, outcome, gradNorm, hessNorm, k -> {
        progress.accept(k);
        steps[0] += k;
        attackProgress.advance(SmallestRadiusProbe.ATTACK, k);
      });
      attackProgress.advance(SmallestRadiusProbe.ATTACK, (int) (radiusProbe.maxOracleCalls(slice.size()) - steps[0]));
    }
    return new RobustnessSamples(outcome, stability, masking, radii, AdversarialSanity.tally(slice, outcome, range));
  }

  /**
   * The attack, stability and masking blocks from the per-sample results of the whole test split.
   *
   * @param curvature per test sample C_f(x), or null
   * @param auditDir folder of audit.json (the saved adversarial folder is recorded relative to it), or null
   */
  public static RobustnessReport summarize(
      RobustnessSamples all, RobustnessSettings settings, double[] curvature, Path auditDir) {
    InputRange range = settings.inputRange() != null ? settings.inputRange() : InputRange.UNIT;
    String saved = settings.saveAdversarial() == null ? null : savedRelative(auditDir, settings.saveAdversarial());
    SmallestRadii radii = all.radii() == null ? null : radiusProbe(settings, range).summarize(all.radii());
    AttackResults attacks = toResults(all.attacks(), settings, range, saved, radii);
    GradientStability stability = null;
    if (all.stability() != null) {
      int m = all.stability().defined().length;
      double[] c = curvature == null ? null : java.util.Arrays.copyOf(curvature, m);
      stability = probe(settings).summarize(all.stability(), c, settings.noise() == null ? "random" : settings.noise().toString());
    }
    List<MaskingCheck> checks = new ArrayList<>(new MaskingChecks(settings, range).summarize(all.masking(), all.attacks()));
    checks.add(AdversarialSanity.check(all.sanity(), range));
    return new RobustnessReport(attacks, stability, checks, null);
  }

  /**
   * Writes what needs the whole split's outcome: the saved adversarial inputs and the report's
   * gallery (which takes the gallery samples' gradients from {@code oracle}); returns the
   * gallery's artifacts block, or null without an audit folder.
   */
  public static Artifacts writeArtifacts(
      GradientOracle oracle, LabeledData test, RobustnessSettings settings, AttackSuite.Outcome outcome, Path auditDir) {
    if (settings.saveAdversarial() != null) {
      AdversarialWriter.write(settings.saveAdversarial(), outcome);
    }
    return auditDir == null ? null : GalleryWriter.write(auditDir, oracle, test, outcome, GalleryWriter.DEFAULT_SIZE);
  }

  /** Where the adversarial inputs are saved, relative to the audit folder when inside it. */
  public static String savedRelative(Path auditDir, Path dir) {
    return auditDir == null ? dir.toString() : relative(auditDir, dir);
  }

  /**
   * Checks that every test value lies in the input range and that given noise directions fit the
   * test split, before any work; one-line messages naming the file.
   */
  public static void checkInputs(LabeledData test, RobustnessSettings settings, FloatTensor noise) {
    checkInRange(test, settings.inputRange() != null ? settings.inputRange() : InputRange.UNIT);
    if (noise != null) {
      checkNoise(noise, settings.noise(), test);
    }
  }

  /**
   * Per attack name (the ε-attacks in running order, then {@value SmallestRadiusProbe#ATTACK} when it runs),
   * the steps {@link #measure} reports for it on a split of {@code samples} test samples measured in
   * blocks of the batch size.
   */
  public static Map<String, Long> attackSteps(RobustnessSettings settings, int samples) {
    InputRange range = settings.inputRange() != null ? settings.inputRange() : InputRange.UNIT;
    Map<String, Long> out = new LinkedHashMap<>(
        new AttackSuite(settings.attack().attacks(settings, range), settings.eps(), settings.batchSize()).maxOracleCallsPerAttack(samples));
    if (settings.minNormSteps() > 0) {
      out.put(SmallestRadiusProbe.ATTACK, radiusProbe(settings, range).maxOracleCalls(samples));
    }
    return out;
  }

  private static SmallestRadiusProbe radiusProbe(RobustnessSettings s, InputRange range) {
    return new SmallestRadiusProbe(FmnL2.withDefaults(s.minNormSteps(), s.seed(), range), s.batchSize());
  }

  private static GradientStabilityProbe probe(RobustnessSettings s) {
    return new GradientStabilityProbe(s.stabilityRadii(), s.stabilityDirections(), s.seed(), s.batchSize());
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

  /** Refuses --noise directions that do not fit the test split: more than one per sample, or another sample shape. */
  static void checkNoise(FloatTensor noise, Path file, LabeledData test) {
    int m = noise.batchSize();
    if (m > test.size()) {
      throw new IllegalArgumentException(file + ": " + m + " directions for " + test.size() + " test samples; give at most one per sample");
    }
    if (!java.util.Arrays.equals(noise.sampleShape(), test.inputs().sampleShape())) {
      throw new IllegalArgumentException(file + ": direction shape " + java.util.Arrays.toString(noise.sampleShape())
          + " differs from the test samples' " + java.util.Arrays.toString(test.inputs().sampleShape()));
    }
  }

  /** Refuses test inputs outside the valid input range the attacks clip to. */
  static void checkInRange(LabeledData test, InputRange range) {
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
