package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * Untargeted l2 projected gradient ascent on the loss (Madry et al.): from a start point x₀,
 * repeat x ← P(x + α·g/‖g‖₂) with g the input gradient of the loss at the current point and P
 * the exact projection onto the intersection of the ε-ball and the input range
 * ({@link L2Ball#projectAndClip}), for {@code steps} steps; α = {@code stepSizeFactor}·ε/steps.
 * The first restart starts at the clean input x; with {@code randomStart} every later restart
 * starts uniformly in the ε-ball. (A uniform point of a d-dimensional ball lies at radius ≈ ε for
 * image-sized d, so a random start spends the whole budget on a random direction that the
 * 50 steps of 0.05ε only partly turn: starting every restart there left PGD 3-6 points weaker
 * than plain PyTorch PGD on 150,528-dimensional inputs.) Restarts attack only the samples not
 * broken yet. Every evaluated point (start, each step) counts: a sample is broken when any is
 * misclassified.
 *
 * <p>One oracle call per step serves the whole batch: a restart costs {@code steps} gradient calls
 * and one forward call.
 *
 * @param steps gradient steps per restart (≥ 1)
 * @param stepSizeFactor α as a multiple of ε/steps (2.5 by default)
 * @param restarts independent starts (≥ 1)
 * @param randomStart restarts after the first start uniformly in the ball; when false every
 *     restart starts at x
 * @param seed seed of the random starts
 * @param range valid input range
 */
public record PgdL2(int steps, double stepSizeFactor, int restarts, boolean randomStart, long seed, InputRange range)
    implements Attack {

  /** Default steps, as in the paper's reference evaluation. */
  public static final int DEFAULT_STEPS = 50;
  /** Default step-size factor: α = 2.5·ε/steps. */
  public static final double DEFAULT_STEP_SIZE_FACTOR = 2.5;
  /** Default restarts. */
  public static final int DEFAULT_RESTARTS = 3;

  /** Checks the settings. */
  public PgdL2 {
    if (steps < 1 || restarts < 1 || !(stepSizeFactor > 0)) {
      throw new IllegalArgumentException(
          "PGD needs steps >= 1, restarts >= 1 and a positive step size; got steps=" + steps
              + " restarts=" + restarts + " stepSizeFactor=" + stepSizeFactor);
    }
  }

  /** The single-step attack of the same norm: x + ε·g/‖g‖ from x, projected and clipped (FGM). */
  public static PgdL2 oneStep(InputRange range) {
    return new PgdL2(1, 1.0, 1, false, 0, range);
  }

  @Override
  public String name() {
    return "pgd";
  }

  @Override
  public int maxOracleCalls() {
    return restarts * (steps + 1);
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    int d = x.sampleSize();
    double alpha = stepSizeFactor * eps / steps;
    OutcomeTracker tracker = new OutcomeTracker(x);
    tracker.runRestarts(restarts, steps + 1, progress, (restart, index) -> {
      FloatTensor clean = x.select(index);
      int[] y = Labels.select(labels, index);
      float[] adv = clean.data().clone();
      if (randomStart && restart > 0) {
        RandomStarts.inBall(r -> Rng.of(seed, eps, streams[index[r]], restart), clean.data(), adv, index.length, d, eps, range);
      }
      FloatTensor point = new FloatTensor(clean.shape(), adv);
      for (int s = 0; s < steps; s++) {
        GradientResult g = oracle.gradient(point, y);
        tracker.observe(adv, index, labels, g.forward());
        float[] grad = g.gradient().data();
        for (int r = 0; r < index.length; r++) {
          int off = r * d;
          double n = L2Ball.norm(grad, off, d);
          if (n > 0 && Double.isFinite(n)) {
            double a = alpha / n;
            for (int j = 0; j < d; j++) {
              adv[off + j] = (float) (adv[off + j] + a * grad[off + j]);
            }
            L2Ball.projectAndClip(clean.data(), adv, r, d, eps, range);
          }
        }
        progress.accept(1);
      }
      ForwardResult last = oracle.forward(point, y);
      tracker.observe(adv, index, labels, last);
      progress.accept(1);
    });
    return tracker.outcome(x.shape());
  }
}
