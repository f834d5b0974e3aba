package io.lcnn.auditor.audit;

import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.oracle.InputScale;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.result.Stats;
import io.lcnn.datasets.FloatTensor;

/**
 * Compares independent estimates on a few samples, along each sample's normalized gradient
 * direction d = ∇f/‖∇f‖ (where both products are large, so float32 noise matters least):
 * the HVP in use against a central difference of gradients (∇f(x+hd) − ∇f(x−hd))/2h, and
 * ∇f·d = ‖∇f‖ against the loss's central difference (f(x+hd) − f(x−hd))/2h.
 */
public final class SelfChecker {
  private final double gradientStep;

  /** @param gradientStep the directional step relative to the input scale */
  public SelfChecker(double gradientStep) {
    this.gradientStep = gradientStep;
  }

  /**
   * @param gradient gradient oracle in use
   * @param hvp HVP oracle in use
   * @param hvpStep relative step of the finite-difference HVP in use (0 when the HVP is exact)
   * @param x the samples to check [k, ...]
   * @param labels their labels
   */
  public SelfCheck check(GradientOracle gradient, HvpOracle hvp, double hvpStep, FloatTensor x, int[] labels) {
    return summarize(measure(gradient, hvp, hvpStep, x, labels), hvpStep, gradient.mode());
  }

  /** The per-sample figures of {@link #check} for the samples {@code x}. */
  public Samples measure(GradientOracle gradient, HvpOracle hvp, double hvpStep, FloatTensor x, int[] labels) {
    int k = x.batchSize();
    int d = x.sampleSize();
    float[] g = gradient.gradient(x, labels).gradient().data();
    float[] dir = new float[k * d];
    double[] gradNorm = new double[k];
    for (int i = 0; i < k; i++) {
      double n = 0;
      for (int j = 0; j < d; j++) {
        n += (double) g[i * d + j] * g[i * d + j];
      }
      gradNorm[i] = Math.sqrt(n);
      for (int j = 0; j < d; j++) {
        dir[i * d + j] = gradNorm[i] > 0 ? (float) (g[i * d + j] / gradNorm[i]) : 0f;
      }
    }
    FloatTensor direction = new FloatTensor(x.shape().clone(), dir);
    double[] gradientRel = directionalGradientCheck(gradient, x, labels, direction, gradNorm);

    boolean hvpIsFd = hvpStep > 0;
    double checkStep = hvpIsFd ? 2 * hvpStep : FiniteDifferenceHvpOracle.defaultStepFor(gradient);
    FiniteDifferenceHvpOracle reference = new FiniteDifferenceHvpOracle(gradient, checkStep);
    float[] a = hvp.hvp(x, labels, direction).data();
    float[] b = reference.hvp(x, labels, direction).data();
    double[] rel = new double[k];
    double[] steps = new double[k];
    for (int i = 0; i < k; i++) {
      double num = 0;
      double den = 0;
      for (int j = 0; j < d; j++) {
        double diff = (double) a[i * d + j] - b[i * d + j];
        num += diff * diff;
        den += (double) a[i * d + j] * a[i * d + j];
      }
      rel[i] = den > 0 ? Math.sqrt(num / den) : (num > 0 ? Double.POSITIVE_INFINITY : 0);
      steps[i] = reference.step(x, i, 1.0);
    }
    return new Samples(rel, gradientRel, steps);
  }

  /** The self-check block from the per-sample figures of all checked samples. */
  public static SelfCheck summarize(Samples s, double hvpStep, String gradientMode) {
    boolean hvpIsFd = hvpStep > 0;
    double checkStep = hvpIsFd ? 2 * hvpStep
        : "exact".equals(gradientMode) ? FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP
        : FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES;
    Stats r = Stats.of(s.hvpRelative());
    double gradientMax = 0;
    for (double g : s.gradientRelative()) {
      gradientMax = Math.max(gradientMax, g);
    }
    String note = (hvpIsFd
        ? "finite-difference HVP (relative step " + hvpStep + ") vs finite-difference HVP with twice the step"
        : "exact HVP vs central difference of exact gradients (relative step " + checkStep + ")")
        + ", and " + gradientMode + " gradient vs central difference of the loss, both along the normalized gradient";
    return new SelfCheck(s.hvpRelative().length, r.max(), r.median(), gradientMax, Stats.of(s.steps()).median(), note);
  }

  /**
   * Per-sample figures of the self-check.
   *
   * @param hvpRelative ‖Hv − Hv_fd‖ / ‖Hv‖ per sample
   * @param gradientRelative |∇f·d − FD| / ‖∇f‖ per sample
   * @param steps the reference's step per sample, in input units
   */
  public record Samples(double[] hvpRelative, double[] gradientRelative, double[] steps) {
    /** Consecutive samples joined in order. */
    public static Samples concat(java.util.List<Samples> parts) {
      return new Samples(
          parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.hvpRelative())).toArray(),
          parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.gradientRelative())).toArray(),
          parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.steps())).toArray());
    }
  }

  private double[] directionalGradientCheck(
      GradientOracle gradient, FloatTensor x, int[] labels, FloatTensor direction, double[] gradNorm) {
    int k = x.batchSize();
    int d = x.sampleSize();
    float[] xs = x.data();
    float[] dir = direction.data();
    float[] pert = new float[2 * k * d];
    int[] pertLabels = new int[2 * k];
    double[] h = new double[k];
    for (int i = 0; i < k; i++) {
      h[i] = gradientStep * InputScale.of(xs, i * d, d);
      for (int j = 0; j < d; j++) {
        pert[i * d + j] = (float) (xs[i * d + j] + h[i] * dir[i * d + j]);
        pert[(k + i) * d + j] = (float) (xs[i * d + j] - h[i] * dir[i * d + j]);
      }
      pertLabels[i] = labels[i];
      pertLabels[k + i] = labels[i];
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * k;
    float[] f = gradient.forward(new FloatTensor(shape, pert), pertLabels).loss();
    double[] rel = new double[k];
    for (int i = 0; i < k; i++) {
      double fd = ((double) f[i] - f[k + i]) / (2 * h[i]);
      rel[i] = Math.abs(gradNorm[i] - fd) / Math.max(gradNorm[i], 1e-30);
    }
    return rel;
  }
}
