package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The input Hessian's spectrum on the first test samples: per-sample extreme eigenvalues from
 * Lanczos (with {@code --eigen-k}) and a stochastic Lanczos quadrature (SLQ) density of the
 * eigenvalues (with {@code --spectrum}). Eigenvalues are in loss units per squared input unit.
 *
 * @param eigenK eigenvalues of largest magnitude reported per sample (0: none)
 * @param lanczosMaxSteps most Hessian-vector products per sample of the eigenvalue run
 * @param lanczosTolerance relative residual at which the eigenvalue run stops
 * @param probes SLQ start vectors per sample (normalized Rademacher), or null without --spectrum
 * @param slqSteps Lanczos steps per SLQ probe, or null
 * @param kernelWidth standard deviation of the Gaussian kernel that smooths the density, or null
 * @param seed seed of the start vectors
 * @param samples one record per sample, in order
 * @param density the SLQ density averaged over the samples, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HessianSpectrum(
    int eigenK,
    int lanczosMaxSteps,
    double lanczosTolerance,
    Integer probes,
    Integer slqSteps,
    Double kernelWidth,
    long seed,
    List<SampleSpectrum> samples,
    SpectralDensity density) {

  /**
   * One sample's spectrum.
   *
   * @param index position of the sample in the test split
   * @param topEigenvalues the eigen-k signed eigenvalues of largest magnitude, largest first
   * @param mostNegative the smallest eigenvalue (Lanczos estimate)
   * @param mostPositive the largest eigenvalue
   * @param lanczosSteps Hessian-vector products spent on the eigenvalues
   * @param moments SLQ estimates of tr(H)/d and tr(H²)/d, or null without --spectrum
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SampleSpectrum(
      int index,
      List<Double> topEigenvalues,
      Double mostNegative,
      Double mostPositive,
      int lanczosSteps,
      double[] moments) {}

  /**
   * The SLQ spectral density φ(λ) = (1/S) Σ_samples (1/P) Σ_probes Σ_k τ_k² N(λ; θ_k, σ²),
   * integrating to 1, on a grid.
   *
   * @param grid eigenvalue grid, increasing
   * @param values φ at each grid point (per unit eigenvalue)
   * @param moments averaged estimates of tr(H)/d and tr(H²)/d
   * @param nodes all quadrature nodes θ (smallest first), for exact re-plotting
   * @param weights their weights (summing to 1)
   */
  public record SpectralDensity(double[] grid, double[] values, double[] moments, double[] nodes, double[] weights) {}
}
