package io.lcnn.auditor.result;

/**
 * Train–test discrepancy (paper Table 3): |(g_test − g_train) / g_test| for g the split mean of
 * each quantity. Dimensionless.
 */
public record Discrepancy(double gradNorm, double hessianSpectralNorm, double curvature) {}
