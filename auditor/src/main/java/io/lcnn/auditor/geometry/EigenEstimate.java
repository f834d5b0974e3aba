package io.lcnn.auditor.geometry;

/**
 * The dominant eigenpair estimate of one sample's input Hessian.
 *
 * @param spectralNorm largest |eigenvalue| found, ‖∇²f‖₂ (loss units per squared input unit)
 * @param topEigenvalue the signed eigenvalue of largest magnitude found
 * @param iterations Hessian-vector products spent on this sample
 * @param residual relative residual ‖Hu − λu‖ / |λ| of the returned pair (0 when λ = 0)
 */
public record EigenEstimate(double spectralNorm, double topEigenvalue, int iterations, double residual) {}
