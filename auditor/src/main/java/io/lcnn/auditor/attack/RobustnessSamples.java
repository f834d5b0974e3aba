package io.lcnn.auditor.attack;

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
 */
public record RobustnessSamples(
    AttackSuite.Outcome attacks, GradientStabilityProbe.Samples stability, MaskingChecks.Samples masking) {

  /** Consecutive ranges of the test split joined in order. */
  public static RobustnessSamples concat(List<RobustnessSamples> parts) {
    List<GradientStabilityProbe.Samples> stab = parts.stream().map(RobustnessSamples::stability).filter(Objects::nonNull).toList();
    return new RobustnessSamples(
        AttackSuite.Outcome.concat(parts.stream().map(RobustnessSamples::attacks).toList()),
        stab.isEmpty() ? null : GradientStabilityProbe.Samples.concat(stab),
        MaskingChecks.Samples.concat(parts.stream().map(RobustnessSamples::masking).toList()));
  }
}
