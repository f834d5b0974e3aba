package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * An untargeted l2-bounded attack on the true labels: for each sample x of a batch it searches
 * the ε-ball around x, intersected with the input range, for a misclassified point. One oracle
 * call serves the whole batch at every step.
 */
public interface Attack {

  /** Short name used as the key in audit.json, e.g. {@code "pgd"} or {@code "apgd"}. */
  String name();

  /**
   * Attacks a batch.
   *
   * @param oracle loss, outputs and input gradients of the model
   * @param x clean inputs [B, ...], inside the input range
   * @param labels true classes, length B
   * @param eps l2 radius in input units
   * @param streams one per batch row: the row's random draws come from this number (the sample's
   *     index in its split), so a sample's result does not depend on the batch it is in
   * @param progress told the number of oracle calls just completed (may be called many times)
   * @return per sample whether it was broken and the point to keep
   */
  AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress);

  /** Streams {@code first, first + 1, …} for a batch of {@code n} consecutive samples. */
  static long[] consecutive(long first, int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = first + i;
    }
    return s;
  }

  /** Upper bound of the oracle calls {@link #run} makes on one batch, for progress totals. */
  int maxOracleCalls();
}
