package io.lcnn.auditor.attack;

import io.lcnn.auditor.masking.AdversarialSanity;
import io.lcnn.auditor.masking.MaskingChecks;
import io.lcnn.auditor.stability.GradientStabilityProbe;
import java.util.List;
import java.util.Objects;

/**
 * The per-sample results of the robustness probes on consecutive test samples: what one shard of
 * an audit contributes, and (joined in split order) what the summaries are computed from.
 *
 * @param attacks the attack suite's per-sample outcome
 * @param stability per-sample relative gradient changes; null for a range past the given noise
 *     directions
 * @param masking per-sample figures of the masking checks
 * @param radii per-sample smallest breaking radii and Proposition 2 radii, or null when skipped
 * @param sanity counts of the adversarial-example validity check
 */
public record RobustnessSamples(
    AttackSuite.Outcome attacks, GradientStabilityProbe.Samples stability, MaskingChecks.Samples masking,
    SmallestRadiusProbe.Samples radii, AdversarialSanity.Tally sanity) {

  /** Consecutive ranges of the test split joined in order. */
  public static RobustnessSamples concat(List<RobustnessSamples> parts) {
    List<GradientStabilityProbe.Samples> stab = parts.stream().map(RobustnessSamples::stability).filter(Objects::nonNull).toList();
    return new RobustnessSamples(
        AttackSuite.Outcome.concat(parts.stream().map(RobustnessSamples::attacks).toList()),
        stab.isEmpty() ? null : GradientStabilityProbe.Samples.concat(stab),
        MaskingChecks.Samples.concat(parts.stream().map(RobustnessSamples::masking).toList()),
        parts.get(0).radii() == null ? null
            : SmallestRadiusProbe.Samples.concat(parts.stream().map(RobustnessSamples::radii).toList()),
        AdversarialSanity.Tally.sum(parts.stream().map(RobustnessSamples::sanity).toList()));
  }
}
