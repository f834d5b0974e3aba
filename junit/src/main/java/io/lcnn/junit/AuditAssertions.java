package io.lcnn.junit;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.Stats;
import java.util.Map;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * Fluent JUnit 5 assertions over an {@link AuditResult}. A failed assertion throws
 * {@link AssertionFailedError} with one line naming the model, split, quantity and statistic, the
 * measured value and the bound, e.g. {@code model.onnx: test curvature p90 is 84.9, expected at most 50}.
 *
 * <pre>{@code
 * import static io.lcnn.junit.AuditAssertions.assertThat;
 *
 * @Test
 * void modelIsSmoothAndRobust() {
 *   AuditResult r = Audit.of(Path.of("model.onnx")).inputs(x).labels(y).eps(0.1).run();
 *   assertThat(r).curvature().p90().isAtMost(50);
 *   assertThat(r).accuracy().isAtLeast(0.85);
 *   assertThat(r).robustAccuracy(0.1).isAtLeast(0.6);
 *   assertThat(r).maskingChecksPass();
 * }
 * }</pre>
 */
public final class AuditAssertions {
  private AuditAssertions() {}

  /** Assertions on the test split of {@code result}. */
  public static ResultAssert assertThat(AuditResult result) {
    if (result == null) {
      throw new AssertionFailedError("audit result is null");
    }
    return new ResultAssert(result, "test");
  }

  /** Assertions over one audit result and one of its splits. */
  public static final class ResultAssert {
    private final AuditResult result;
    private final String split;

    ResultAssert(AuditResult result, String split) {
      this.result = result;
      this.split = split;
    }

    /** The same assertions on another split ({@code "test"} or {@code "train"}). */
    public ResultAssert split(String name) {
      if (result.splits() == null || !result.splits().containsKey(name)) {
        throw new AssertionFailedError(model() + ": the audit has no '" + name + "' split");
      }
      return new ResultAssert(result, name);
    }

    /** Statistics of the curvature C_f = ‖∇²f‖₂/(‖∇f‖₂ + ε). */
    public StatsAssert curvature() {
      return new StatsAssert(this, "curvature", splitResult().summary().curvature());
    }

    /** Statistics of the Hessian spectral norm ‖∇²f‖₂. */
    public StatsAssert hessianNorm() {
      return new StatsAssert(this, "Hessian spectral norm", splitResult().summary().hessianSpectralNorm());
    }

    /** Statistics of the input-gradient norm ‖∇f‖₂. */
    public StatsAssert gradientNorm() {
      return new StatsAssert(this, "gradient norm", splitResult().summary().gradNorm());
    }

    /** Statistics of the loss, in nats. */
    public StatsAssert loss() {
      return new StatsAssert(this, "loss", splitResult().summary().loss());
    }

    /** Clean accuracy of the split, in [0, 1]. */
    public ValueAssert accuracy() {
      return new ValueAssert(model() + ": " + split + " accuracy", splitResult().summary().accuracy());
    }

    /** Worst-case robust accuracy of the test split at l2 radius {@code eps}, in [0, 1]. */
    public ValueAssert robustAccuracy(double eps) {
      if (result.attacks() == null) {
        throw new AssertionFailedError(model() + ": the audit ran no attacks");
      }
      Map<String, Double> worst = result.attacks().worstCaseAccuracy();
      Double v = worst.get(String.valueOf(eps));
      if (v == null) {
        throw new AssertionFailedError(model() + ": no attack at ε = " + eps + " (attacked at " + worst.keySet() + ")");
      }
      return new ValueAssert(model() + ": robust accuracy at ε = " + eps, v);
    }

    /** Every gradient-masking check passed. */
    public ResultAssert maskingChecksPass() {
      if (result.maskingChecks() == null) {
        throw new AssertionFailedError(model() + ": the audit ran no masking checks");
      }
      String failed = result.maskingChecks().stream().filter(c -> !c.passed()).map(MaskingCheck::name)
          .collect(Collectors.joining(", "));
      if (!failed.isEmpty()) {
        throw new AssertionFailedError(model() + ": masking checks failed: " + failed);
      }
      return this;
    }

    /** The self-check's largest relative HVP difference (exact vs finite differences). */
    public ValueAssert selfCheckHvpDifference() {
      if (result.selfCheck() == null) {
        throw new AssertionFailedError(model() + ": the audit ran no self-check");
      }
      return new ValueAssert(model() + ": self-check max relative HVP difference", result.selfCheck().hvpMaxRelativeDifference());
    }

    private SplitResult splitResult() {
      SplitResult s = result.splits() == null ? null : result.splits().get(split);
      if (s == null) {
        throw new AssertionFailedError(model() + ": the audit has no '" + split + "' split");
      }
      return s;
    }

    private String model() {
      return result.model() == null ? "audit" : result.model().path();
    }
  }

  /** One quantity's split statistics. */
  public static final class StatsAssert {
    private final String prefix;
    private final Stats stats;

    StatsAssert(ResultAssert parent, String quantity, Stats stats) {
      this.prefix = parent.model() + ": " + parent.split + " " + quantity;
      this.stats = stats;
    }

    /** The mean over samples. */
    public ValueAssert mean() {
      return new ValueAssert(prefix + " mean", stats.mean());
    }

    /** The median. */
    public ValueAssert median() {
      return new ValueAssert(prefix + " median", stats.median());
    }

    /** The 90th percentile (linear interpolation). */
    public ValueAssert p90() {
      return new ValueAssert(prefix + " p90", stats.p90());
    }

    /** The largest value. */
    public ValueAssert max() {
      return new ValueAssert(prefix + " max", stats.max());
    }
  }

  /** One number with a description for the failure message. */
  public static final class ValueAssert {
    private final String what;
    private final double value;

    ValueAssert(String what, double value) {
      this.what = what;
      this.value = value;
    }

    /** The value under test. */
    public double value() {
      return value;
    }

    /** Fails unless value ≤ {@code bound} (NaN fails). */
    public ValueAssert isAtMost(double bound) {
      if (!(value <= bound)) {
        throw new AssertionFailedError(what + " is " + fmt(value) + ", expected at most " + fmt(bound), bound, value);
      }
      return this;
    }

    /** Fails unless value ≥ {@code bound} (NaN fails). */
    public ValueAssert isAtLeast(double bound) {
      if (!(value >= bound)) {
        throw new AssertionFailedError(what + " is " + fmt(value) + ", expected at least " + fmt(bound), bound, value);
      }
      return this;
    }

    /** Fails unless lo ≤ value ≤ hi. */
    public ValueAssert isBetween(double lo, double hi) {
      return isAtLeast(lo).isAtMost(hi);
    }

    private static String fmt(double v) {
      return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
  }
}
