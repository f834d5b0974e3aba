package io.lcnn.auditor.result;

/**
 * How far independent estimates agree on a few samples of the audit.
 *
 * @param samples samples checked
 * @param hvpMaxRelativeDifference max over samples of ‖Hv_exact − Hv_fd‖ / ‖Hv_exact‖
 * @param hvpMedianRelativeDifference median of the same
 * @param gradientMaxRelativeDifference max over samples of |∇f·d − (f(x+hd) − f(x−hd))/2h| / max(|∇f·d|, tiny)
 * @param fdStep the step h used, in input units
 * @param note what was compared (e.g. when both estimates are finite differences)
 */
public record SelfCheck(
    int samples,
    double hvpMaxRelativeDifference,
    double hvpMedianRelativeDifference,
    double gradientMaxRelativeDifference,
    double fdStep,
    String note) {}
