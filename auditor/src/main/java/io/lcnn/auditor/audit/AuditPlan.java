package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.RobustnessSettings;

/**
 * What every unit of work of one audit shares, fixed before any work starts.
 *
 * @param options the audit's options
 * @param robustness probe settings with the input range resolved; null when no probes run
 * @param hvpStep relative step of the finite-difference HVP in use (0 when the HVP is exact)
 * @param keepGradients whether shards return the test split's input gradients (for a dump)
 */
public record AuditPlan(AuditOptions options, RobustnessSettings robustness, double hvpStep, boolean keepGradients) {
  /** Offset of the train split's seed, so train and test samples of equal index draw differently. */
  public static final long TRAIN_SEED_OFFSET = 0x9E3779B97F4A7C15L;

  /** The seed of a split's draws. */
  public long seed(String split) {
    return split.equals("train") ? options.seed() + TRAIN_SEED_OFFSET : options.seed();
  }
}
