package io.lcnn.auditor.audit;

/**
 * Hears how far an audit has got, in samples per split and in steps per attack (e.g. to draw
 * progress bars).
 */
public interface ProgressListener {
  /** Ignores everything. */
  ProgressListener NONE = new ProgressListener() {
    @Override
    public void start(String split, int samples) {}

    @Override
    public void advance(int samples) {}

    @Override
    public void finish() {}
  };

  /** A split of {@code samples} samples begins. */
  void start(String split, int samples);

  /** {@code samples} more samples are done. */
  void advance(int samples);

  /**
   * The attacks begin: per attack name in running order, the steps (oracle calls on one batch) it
   * will report in all. Ignored by default.
   */
  default void startAttacks(java.util.Map<String, Long> steps) {}

  /**
   * {@code steps} more steps of {@code attack} are done (may be called from several threads at
   * once). Ignored by default.
   */
  default void advanceAttack(String attack, int steps) {}

  /** The split is done (and, after {@link #startAttacks}, the attacks). */
  void finish();
}
