package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How far independent estimates agree on a few samples of the audit, and what that means.
 *
 * @param samples samples checked
 * @param hvpMaxRelativeDifference max over samples of ‖Hv − Hv_fd‖ / ‖Hv‖, each sample at the
 *     step (of those tried) where the central difference agrees best
 * @param hvpMedianRelativeDifference median of the same
 * @param gradientMaxRelativeDifference max over samples of |∇f·d − (f(x+hd) − f(x−hd))/2h| / max(|∇f·d|, tiny),
 *     each sample at its best step
 * @param fdStep the median step h of the HVP comparison, in input units
 * @param note what was compared
 * @param verdict {@code "agree"}, {@code "disagree"} or {@code "inconclusive"}; null in files
 *     written before verdicts existed
 * @param verdictReason one line saying why, naming the sample and check that decided it
 * @param hvpAsymmetryMax max over samples of |w·(Hv) − v·(Hw)| / max(‖Hv‖, ‖Hw‖) for random unit
 *     v, w; null when the HVPs are not exact
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SelfCheck(
    int samples,
    double hvpMaxRelativeDifference,
    double hvpMedianRelativeDifference,
    double gradientMaxRelativeDifference,
    double fdStep,
    String note,
    String verdict,
    String verdictReason,
    Double hvpAsymmetryMax) {
  /** A self-check without a verdict. */
  public SelfCheck(int samples, double hvpMaxRelativeDifference, double hvpMedianRelativeDifference,
      double gradientMaxRelativeDifference, double fdStep, String note) {
    this(samples, hvpMaxRelativeDifference, hvpMedianRelativeDifference, gradientMaxRelativeDifference, fdStep, note,
        null, null, null);
  }
}
