package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * APGD-T for the l2 norm (Croce &amp; Hein 2020; AutoAttack's second attack): for each of the
 * {@code targets} classes ranked 2nd, 3rd, … by the clean output, one APGD run (as in
 * {@link ApgdL2}) maximizing the targeted DLR loss −(z_y − z_t)/(z_π1 − ½(z_π3 + z_π4)) towards
 * that class, on the samples not broken by an earlier target. With fewer than four classes the
 * DLR denominator is undefined and the attack runs APGD-CE instead.
 *
 * <p>Cost per batch: one forward call to rank the classes, then per target one ranking forward
 * call and N gradient calls on a 4× stacked batch (the four cross-entropy gradients the DLR
 * gradient is made of, see {@link TargetedDlr}).
 *
 * @param steps iterations per target N (AutoAttack: 100)
 * @param targets target classes per sample, at most K − 1 (AutoAttack: 9)
 * @param seed seed of the random starts
 * @param range valid input range
 */
public record ApgdTargetedL2(int steps, int targets, long seed, InputRange range) implements Attack {

  /** AutoAttack's number of target classes. */
  public static final int DEFAULT_TARGETS = 9;

  /** Checks the settings. */
  public ApgdTargetedL2 {
    if (steps < 1 || targets < 1) {
      throw new IllegalArgumentException("APGD-T needs steps >= 1 and targets >= 1; got steps=" + steps + " targets=" + targets);
    }
  }

  @Override
  public String name() {
    return "apgd-t";
  }

  @Override
  public int maxOracleCalls() {
    return 1 + targets * (steps + 2);
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    OutcomeTracker tracker = new OutcomeTracker(x);
    ForwardResult clean = oracle.forward(x, labels);
    progress.accept(1);
    int classes = clean.output().sampleSize();
    int rounds = Math.min(targets, classes - 1);
    int[][] ranked = ranks(clean, labels);
    tracker.runRestarts(rounds, steps + 2, progress, (round, index) -> {
      if (classes < 4) {
        new ApgdRun(steps, range, ApgdLoss.crossEntropy()).run(
            oracle, x.select(index), labels, index, null, eps, r -> Rng.of(seed, eps, streams[index[r]], round), tracker, progress);
        progress.accept(1);
        return;
      }
      int[] t = new int[index.length];
      for (int r = 0; r < index.length; r++) {
        t[r] = ranked[index[r]][round + 1];
      }
      new ApgdRun(steps, range, ApgdLoss.targetedDlr()).run(
          oracle, x.select(index), labels, index, t, eps, r -> Rng.of(seed, eps, streams[index[r]], round), tracker, progress);
    });
    progress.accept((targets - rounds) * (steps + 2));
    return tracker.outcome(x.shape());
  }

  /** Per sample, the classes in decreasing order of the clean output. */
  static int[][] ranks(ForwardResult f, int[] labels) {
    int n = labels.length;
    int k = f.output().sampleSize();
    int[][] out = new int[n][];
    for (int i = 0; i < n; i++) {
      double[] z = TargetedDlr.logits(f.output().data(), i * k, k, labels[i], f.loss()[i]);
      out[i] = java.util.stream.IntStream.range(0, k).boxed()
          .sorted((a, b) -> Double.compare(z[b], z[a])).mapToInt(Integer::intValue).toArray();
    }
    return out;
  }
}
