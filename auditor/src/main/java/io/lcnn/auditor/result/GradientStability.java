package io.lcnn.auditor.result;

import java.util.List;

/**
 * Relative gradient change under noise (paper Fig. 2): for each radius r and direction δ
 * (unit l2 norm), ‖∇f(x+rδ) − ∇f(x)‖ / ‖∇f(x)‖.
 *
 * @param directions random directions per sample (K), or the count given with --noise
 * @param noiseSource {@code "random"} or the .npy file the directions came from
 * @param radii one entry per radius, ascending
 */
public record GradientStability(int directions, String noiseSource, List<RadiusStability> radii) {

  /**
   * One radius.
   *
   * @param radius r, in input units
   * @param mean mean relative change over samples and directions
   * @param median median of the same
   * @param p90 90th percentile of the same
   * @param predictedMean mean of Proposition 1's first-order prediction r·C_f(x)
   * @param perSample per sample, the relative change averaged over its directions
   */
  public record RadiusStability(
      double radius, double mean, double median, double p90, double predictedMean, List<Double> perSample) {}
}
