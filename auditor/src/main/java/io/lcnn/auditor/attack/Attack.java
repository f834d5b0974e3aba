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
   * @param stream distinguishes this call's random draws from those of other calls with the same
   *     attack settings (e.g. the index of the batch's first sample); equal arguments give equal
   *     results
   * @param progress told the number of oracle calls just completed (may be called many times)
   * @return per sample whether it was broken and the point to keep
   */
  AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long stream, IntConsumer progress);

  /** Upper bound of the oracle calls {@link #run} makes on one batch, for progress totals. */
  int maxOracleCalls();
}
