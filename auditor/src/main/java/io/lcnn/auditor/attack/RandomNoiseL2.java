package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * The gradient-free baseline of the masking checks: {@code draws} random points per sample on
 * the ε-sphere around x (uniform direction, clipped to the range), forward passes only. A working
 * gradient attack must do at least as well as this.
 *
 * @param draws random points per sample (≥ 1), one forward call each
 * @param seed seed of the draws
 * @param range valid input range
 */
public record RandomNoiseL2(int draws, long seed, InputRange range) implements Attack {

  /** Checks the settings. */
  public RandomNoiseL2 {
    if (draws < 1) {
      throw new IllegalArgumentException("random noise needs at least one draw, got " + draws);
    }
  }

  @Override
  public String name() {
    return "noise";
  }

  @Override
  public int maxOracleCalls() {
    return draws;
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    OutcomeTracker tracker = new OutcomeTracker(x);
    int[] all = java.util.stream.IntStream.range(0, x.batchSize()).toArray();
    float[] points = new float[x.data().length];
    for (int k = 0; k < draws; k++) {
      int draw = k;
      RandomStarts.onSphere(i -> Rng.of(seed, eps, streams[i], draw), x.data(), points, x.batchSize(), x.sampleSize(), eps, range);
      ForwardResult f = oracle.forward(new FloatTensor(x.shape(), points), labels);
      tracker.observe(points, all, labels, f);
      progress.accept(1);
    }
    return tracker.outcome(x.shape());
  }
}
