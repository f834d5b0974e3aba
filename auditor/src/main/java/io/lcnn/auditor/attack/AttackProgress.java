package io.lcnn.auditor.attack;

/**
 * Hears how far each attack has got, in steps: oracle calls on one batch (a gradient or forward
 * call serving every sample of the batch still attacked), e.g. to draw one progress bar per attack.
 * Attacks report exactly their budget per batch and ε (steps they skip once every sample is broken
 * count as done), so the totals of {@link AttackSuite#maxOracleCallsPerAttack} are reached.
 */
@FunctionalInterface
public interface AttackProgress {
  /** Ignores everything. */
  AttackProgress NONE = (attack, steps) -> {};

  /**
   * {@code steps} more steps of {@code attack} are done (may be called from several threads).
   *
   * @param attack the attack's name, as in audit.json ({@code "pgd"}, {@code "fab-t"}, {@code "fmn"}, …)
   */
  void advance(String attack, int steps);
}
