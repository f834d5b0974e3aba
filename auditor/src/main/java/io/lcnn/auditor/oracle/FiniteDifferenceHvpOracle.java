package io.lcnn.auditor.oracle;

import io.lcnn.datasets.FloatTensor;

/**
 * Hessian-vector products as central differences of gradients:
 * H(x)·v ≈ (∇f(x + h v) − ∇f(x − h v)) / 2h, with h = relativeStep · {@link InputScale}(x) / ‖v‖
 * per sample, so that the perturbation h·v has l2 norm relativeStep times the input scale. All
 * 2·B perturbed samples go to the gradient oracle in one call. The error is O(h²) from third
 * derivatives plus the gradient's own error divided by h.
 */
public final class FiniteDifferenceHvpOracle implements HvpOracle {
  /** Default perturbation norm relative to the input scale over exact (float32) gradients. */
  public static final double DEFAULT_RELATIVE_STEP = 1e-3;

  /**
   * Default perturbation norm relative to the input scale over finite-difference gradients; with
   * it, Lanczos on the reference models' smooth classifiers found the spectral norm within 0.4%.
   */
  public static final double DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES = 1e-2;

  private final GradientOracle gradients;
  private final double relativeStep;

  /**
   * @param gradients where gradients come from (exact or finite-difference)
   * @param relativeStep ‖h·v‖ relative to the input scale
   */
  public FiniteDifferenceHvpOracle(GradientOracle gradients, double relativeStep) {
    if (!(relativeStep > 0)) {
      throw new IllegalArgumentException("finite-difference step must be positive, not " + relativeStep);
    }
    this.gradients = gradients;
    this.relativeStep = relativeStep;
  }

  /** The default relative step for HVPs over the given gradient oracle. */
  public static double defaultStepFor(GradientOracle gradients) {
    return "exact".equals(gradients.mode()) ? DEFAULT_RELATIVE_STEP : DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES;
  }

  /** The perturbation norm relative to the input scale. */
  public double relativeStep() {
    return relativeStep;
  }

  /** The step h (input units per unit of v) used for sample {@code i} of {@code x} along a direction of norm {@code vNorm}. */
  public double step(FloatTensor x, int i, double vNorm) {
    int d = x.sampleSize();
    return relativeStep * InputScale.of(x.data(), i * d, d) / vNorm;
  }

  @Override
  public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
    int b = x.batchSize();
    int d = x.sampleSize();
    float[] xs = x.data();
    float[] vs = v.data();
    float[] pert = new float[2 * b * d];
    int[] pertLabels = new int[2 * b];
    double[] h = new double[b];
    for (int i = 0; i < b; i++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += (double) vs[i * d + j] * vs[i * d + j];
      }
      norm = Math.sqrt(norm);
      h[i] = norm > 0 ? step(x, i, norm) : 0;
      for (int j = 0; j < d; j++) {
        pert[i * d + j] = (float) (xs[i * d + j] + h[i] * vs[i * d + j]);
        pert[(b + i) * d + j] = (float) (xs[i * d + j] - h[i] * vs[i * d + j]);
      }
      pertLabels[i] = labels[i];
      pertLabels[b + i] = labels[i];
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * b;
    float[] g = gradients.gradient(new FloatTensor(shape, pert), pertLabels).gradient().data();
    float[] out = new float[b * d];
    for (int i = 0; i < b; i++) {
      if (h[i] == 0) {
        continue;
      }
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (((double) g[i * d + j] - g[(b + i) * d + j]) / (2 * h[i]));
      }
    }
    return new FloatTensor(x.shape().clone(), out);
  }

  @Override
  public String mode() {
    return "finite-difference";
  }
}
