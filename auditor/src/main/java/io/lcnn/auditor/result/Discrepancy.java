package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Train–test discrepancy (paper Table 3): |(g_test − g_train) / g_test| for g the split mean of
 * each quantity. Dimensionless.
 *
 * @param gradNorm discrepancy of the mean gradient norm
 * @param hessianSpectralNorm discrepancy of the mean Hessian spectral norm
 * @param curvature discrepancy of the mean curvature
 * @param uncertainty bootstrap intervals and two-sample tests; null when not computed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Discrepancy(
    double gradNorm, double hessianSpectralNorm, double curvature, DiscrepancyUncertainty uncertainty) {

  /** The bare discrepancies, without intervals. */
  public Discrepancy(double gradNorm, double hessianSpectralNorm, double curvature) {
    this(gradNorm, hessianSpectralNorm, curvature, null);
  }
}
