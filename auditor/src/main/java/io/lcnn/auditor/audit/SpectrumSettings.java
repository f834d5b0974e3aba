package io.lcnn.auditor.audit;

import io.lcnn.auditor.geometry.SpectrumMeter;

/**
 * Settings of the Hessian spectrum stage ({@link SpectrumExtension}).
 *
 * @param eigenK eigenvalues of largest magnitude per sample (0: no eigenvalue run)
 * @param density whether to estimate the SLQ density
 * @param samples first test samples analysed
 * @param maxSteps most Lanczos steps of the eigenvalue run
 * @param tolerance relative residual of the eigenvalue run
 * @param probes SLQ probes per sample
 * @param slqSteps Lanczos steps per SLQ probe
 * @param kernelWidth Gaussian kernel width of the density (0: 1% of the eigenvalue range)
 */
public record SpectrumSettings(
    int eigenK, boolean density, int samples, int maxSteps, double tolerance, int probes, int slqSteps,
    double kernelWidth) {

  /** Default number of samples. */
  public static final int DEFAULT_SAMPLES = 16;

  /** Checks ranges; messages name the option. */
  public SpectrumSettings {
    if (eigenK < 0) {
      throw new IllegalArgumentException("--eigen-k must be ≥ 0, not " + eigenK);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("--spectrum-samples must be ≥ 1, not " + samples);
    }
    if (probes < 1 || slqSteps < 2) {
      throw new IllegalArgumentException("--spectrum-probes must be ≥ 1 and --spectrum-steps ≥ 2");
    }
    if (!(kernelWidth >= 0)) {
      throw new IllegalArgumentException("--spectrum-kernel must be ≥ 0, not " + kernelWidth);
    }
  }

  /** Whether the stage has anything to do. */
  public boolean enabled() {
    return eigenK > 0 || density;
  }

  /** The defaults with the given eigen-k and density switch. */
  public static SpectrumSettings of(int eigenK, boolean density) {
    return new SpectrumSettings(eigenK, density, DEFAULT_SAMPLES, SpectrumMeter.DEFAULT_MAX_STEPS,
        SpectrumMeter.DEFAULT_TOLERANCE, SpectrumMeter.DEFAULT_PROBES, SpectrumMeter.DEFAULT_SLQ_STEPS, 0);
  }
}
