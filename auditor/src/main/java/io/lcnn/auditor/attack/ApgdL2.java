package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
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
        singleRun(oracle, x.select(index), labels, index, eps, r -> Rng.of(seed, eps, streams[index[r]], restart), tracker, progress));
    return tracker.outcome(x.shape());
  }

  private void singleRun(
      GradientOracle oracle,
      FloatTensor clean,
      int[] labels,
      int[] index,
      double eps,
      java.util.function.IntFunction<java.util.SplittableRandom> rng,
      OutcomeTracker tracker,
      IntConsumer progress) {
    int n = index.length;
    int d = clean.sampleSize();
    float[] x0 = clean.data();
    int[] y = Labels.select(labels, index);
    float[] adv = new float[x0.length];
    RandomStarts.onSphere(rng, x0, adv, n, d, eps, range);
    FloatTensor point = new FloatTensor(clean.shape(), adv);

    GradientResult r0 = oracle.gradient(point, y);
    tracker.observe(adv, index, labels, r0.forward());
    progress.accept(1);
    float[] grad = r0.gradient().data().clone();
    float[] best = adv.clone();
    float[] gradBest = grad.clone();
    float[] lossBest = r0.loss().clone();
    float[] previousLoss = r0.loss().clone();
    double[] eta = new double[n];
    java.util.Arrays.fill(eta, 2 * eps);
    float[] old = adv.clone();
    int[] increases = new int[n];
    boolean[] reducedLastCheck = new boolean[n];
    java.util.Arrays.fill(reducedLastCheck, true);
    float[] lossBestLastCheck = lossBest.clone();
    int period = Math.max((int) (0.22 * steps), 1);
    int sizeDecrease = Math.max((int) (0.03 * steps), 1);
    int minPeriod = Math.max((int) (0.06 * steps), 1);
    int sinceCheck = 0;
    float[] z = new float[d];
    float[] zs = new float[d];

    for (int it = 0; it < steps; it++) {
      double a = it > 0 ? MOMENTUM : 1.0;
      for (int s = 0; s < n; s++) {
        int off = s * d;
        double gn = L2Ball.norm(grad, off, d);
        double scale = gn > 0 && Double.isFinite(gn) ? eta[s] / gn : 0;
        for (int j = 0; j < d; j++) {
          zs[j] = (float) (adv[off + j] + scale * grad[off + j]);
        }
        L2Ball.projectAndClip(x0, off, zs, 0, d, eps, range);
        for (int j = 0; j < d; j++) {
          double cur = adv[off + j];
          double next = cur + a * (zs[j] - cur) + (1 - a) * (cur - old[off + j]);
          old[off + j] = (float) cur;
          z[j] = (float) next;
        }
        L2Ball.projectAndClip(x0, off, z, 0, d, eps, range);
        System.arraycopy(z, 0, adv, off, d);
      }
      GradientResult r = oracle.gradient(point, y);
      tracker.observe(adv, index, labels, r.forward());
      progress.accept(1);
      System.arraycopy(r.gradient().data(), 0, grad, 0, grad.length);
      float[] loss = r.loss();
      for (int s = 0; s < n; s++) {
        if (loss[s] > previousLoss[s]) {
          increases[s]++;
        }
        previousLoss[s] = loss[s];
        if (loss[s] > lossBest[s]) {
          lossBest[s] = loss[s];
          System.arraycopy(adv, s * d, best, s * d, d);
          System.arraycopy(grad, s * d, gradBest, s * d, d);
        }
      }
      sinceCheck++;
      if (sinceCheck == period) {
        for (int s = 0; s < n; s++) {
          boolean oscillating = increases[s] <= period * RHO;
          boolean stalled = !reducedLastCheck[s] && lossBestLastCheck[s] >= lossBest[s];
          boolean reduce = oscillating || stalled;
          reducedLastCheck[s] = reduce;
          lossBestLastCheck[s] = lossBest[s];
          increases[s] = 0;
          if (reduce) {
            eta[s] /= 2;
            System.arraycopy(best, s * d, adv, s * d, d);
            System.arraycopy(gradBest, s * d, grad, s * d, d);
          }
        }
        period = Math.max(period - sizeDecrease, minPeriod);
        sinceCheck = 0;
      }
    }
  }
}
