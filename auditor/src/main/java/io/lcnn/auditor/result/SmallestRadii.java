package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Per-sample smallest breaking radii from a minimum-norm l2 attack, the robust-accuracy curve
 * they imply, and Proposition 2's radius from the local quadratic model next to them.
 *
 * @param attack the minimum-norm attack ({@code "fmn"})
 * @param steps its iterations
 * @param radius per sample, the l2 norm (input units) of the nearest misclassified point found by
 *     the minimum-norm attack or the ε-attacks, whichever is nearer; 0 when misclassified clean;
 *     null when never broken. An upper bound of the true smallest breaking radius.
 * @param curve robust accuracy against ε implied by {@code radius}: the share of all samples
 *     whose radius exceeds ε (never broken counts as infinite), at 41 evenly spaced ε from 0 to the
 *     largest finite radius
 * @param medianRadius median of {@code radius} over the samples classified correctly clean (never
 *     broken counts as infinite); null when it is infinite or no sample is correct
 * @param quadraticModelRadius per sample, Proposition 2's radius r with r‖∇f‖ + r²‖∇²f‖ =
 *     ln(1 + p_y − p_c) (see docs/robustness.md): an estimate from local geometry, not a
 *     certificate; null for samples misclassified clean, or all null without geometry
 * @param rankCorrelation Spearman rank correlation of {@code quadraticModelRadius} and
 *     {@code radius} over the samples where both are finite and positive; null when fewer than 3
 * @param rankCorrelationSamples samples behind {@code rankCorrelation}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SmallestRadii(
    String attack,
    int steps,
    List<Double> radius,
    List<CurvePoint> curve,
    Double medianRadius,
    List<Double> quadraticModelRadius,
    Double rankCorrelation,
    int rankCorrelationSamples) {

  /**
   * One point of a robust-accuracy curve.
   *
   * @param eps l2 radius in input units
   * @param accuracy share of samples still classified correctly at every perturbation of norm ≤ ε
   *     found so far, in [0, 1]
   */
  public record CurvePoint(double eps, double accuracy) {}
}
