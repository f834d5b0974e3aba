package io.lcnn.auditor.result;

/**
 * Summary of one split.
 *
 * @param count samples audited
 * @param accuracy share of samples whose prediction equals the label, in [0, 1]
 * @param loss statistics of f(x)
 * @param gradNorm statistics of ‖∇f‖₂
 * @param hessianSpectralNorm statistics of ‖∇²f‖₂
 * @param curvature statistics of C_f
 */
public record SplitSummary(
    int count, double accuracy, Stats loss, Stats gradNorm, Stats hessianSpectralNorm, Stats curvature) {}
