package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * APGD-CE for the l2 norm (Croce &amp; Hein 2020, "Reliable evaluation of adversarial robustness
 * with an ensemble of diverse parameter-free attacks"), the cross-entropy attack of AutoAttack.
 *
 * <p>Per restart and sample: start on the ε-sphere around x (clipped to the range); the step size
 * η starts at 2ε; each step takes z = P(x_k + η·g/‖g‖₂) and then the momentum point x_{k+1} =
 * P(x_k + α(z − x_k) + (1 − α)(x_k − x_{k−1})) with α = 0.75 (α = 1 on the first step), where P
 * projects onto the ε-ball and clips to the range. At checkpoints spaced k = ⌈0.22·N⌉, then
 * shrinking by ⌈0.03·N⌉ per checkpoint down to ⌈0.06·N⌉ steps (integer parts, at least 1), η is
 * halved and the iterate reset to the best-loss point for every sample where (1) the loss rose in
 * at most ρ·k of the last k steps (ρ = 0.75), or (2) η was not halved at the previous checkpoint
 * and the best loss has not improved since. The best-loss point and the first misclassified point
 * are tracked throughout. Restarts attack only samples not broken yet.
 *
 * <p>One oracle call per step serves the whole batch: a restart costs N + 1 gradient calls.
 *
 * @param steps iterations per restart N (≥ 1)
 * @param restarts independent starts (≥ 1)
 * @param seed seed of the random starts
 * @param range valid input range
 */
public record ApgdL2(int steps, int restarts, long seed, InputRange range) implements Attack {

  /** Momentum weight α. */
  public static final double MOMENTUM = 0.75;
  /** Fraction ρ of increasing steps below which the step size is halved. */
  public static final double RHO = 0.75;

  /** Checks the settings. */
  public ApgdL2 {
    if (steps < 1 || restarts < 1) {
      throw new IllegalArgumentException("APGD needs steps >= 1 and restarts >= 1; got steps=" + steps + " restarts=" + restarts);
    }
  }

  @Override
  public String name() {
    return "apgd";
  }

  @Override
  public int maxOracleCalls() {
    return restarts * (steps + 1);
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    OutcomeTracker tracker = new OutcomeTracker(x);
    tracker.runRestarts(restarts, steps + 1, progress, (restart, index) ->
        new ApgdRun(steps, range, ApgdLoss.crossEntropy()).run(
            oracle, x.select(index), labels, index, null, eps, r -> Rng.of(seed, eps, streams[index[r]], restart), tracker, progress));
    return tracker.outcome(x.shape());
  }

}
