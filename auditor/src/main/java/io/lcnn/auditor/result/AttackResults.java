package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Untargeted l2 attacks on the test split.
 *
 * @param eps attack radii, in input units (l2 over the whole input tensor)
 * @param steps iterations per restart
 * @param stepSizeFactor step size as a multiple of ε/steps (default 2.5)
 * @param restarts random restarts inside the ε-ball
 * @param seed seed of the random starts
 * @param inputRange valid input range [lo, hi] every adversarial input is clipped to
 * @param samples samples attacked
 * @param cleanAccuracy accuracy without attack, in [0, 1]
 * @param accuracy per attack name ({@code "pgd"}, {@code "apgd"}, {@code "apgd-t"}, {@code "fab-t"}, {@code "square"}) in running order,
 *     robust accuracy per ε (key: ε as written in {@code eps}) after that attack and every earlier one
 * @param worstCaseAccuracy per ε, accuracy when a sample counts as broken if any attack broke it
 * @param smallestBreakingEps per sample, the smallest ε at which it was broken (null if never or misclassified clean: 0)
 * @param adversarialDir folder of saved adversarial inputs ({@code eps_<ε>.npy}), relative to audit.json, if saved
 * @param smallestRadii per-sample smallest breaking radii and Proposition 2's radii; null when
 *     the minimum-norm attack was not run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackResults(
    List<Double> eps,
    int steps,
    double stepSizeFactor,
    int restarts,
    long seed,
    double[] inputRange,
    int samples,
    double cleanAccuracy,
    Map<String, Map<String, Double>> accuracy,
    Map<String, Double> worstCaseAccuracy,
    List<Double> smallestBreakingEps,
    String adversarialDir,
    SmallestRadii smallestRadii) {}
