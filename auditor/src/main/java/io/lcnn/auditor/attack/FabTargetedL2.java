package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * FAB-T for the l2 norm (Croce &amp; Hein, ICML 2020, "Minimally distorted adversarial examples
 * with a fast adaptive boundary attack"; the targeted version AutoAttack runs third): a
 * minimum-norm attack that walks along the linearized decision boundary between the true class y
 * and a target class t, for each of the {@code targets} classes ranked 2nd, 3rd, … by the clean
 * output (at most K − 1), on the samples no earlier target broke at ε.
 *
 * <p>Per step, at the iterate x⁽ⁱ⁾ the boundary z_t = z_y is linearized: F = z_t − z_y and
 * w = ∇(z_t − z_y) = G_y − G_t, with G_k the cross-entropy gradient for label k (the softmax term
 * cancels, see {@link TargetedDlr}; one gradient call on a 2× stacked batch). δ⁽ⁱ⁾ is the smallest
 * l2 step from x⁽ⁱ⁾ onto the hyperplane F + ⟨w, z − x⁽ⁱ⁾⟩ = 0 inside the input box, δ_orig the
 * same from the clean input x ({@link HyperplaneProjection}); with
 * α = min(‖δ⁽ⁱ⁾‖/(‖δ⁽ⁱ⁾‖ + ‖δ_orig‖), α_max) (norms at least 1e-8) the biased step is
 * x⁽ⁱ⁺¹⁾ = clip((1 − α)(x⁽ⁱ⁾ + η·δ⁽ⁱ⁾) + α(x + η·δ_orig)), extrapolating by η past the
 * hyperplane and pulled towards x. A forward call checks the new iterate: when it is
 * misclassified (any class but y, as in AutoAttack) it becomes the sample's best point if nearer
 * to x than the best so far, and the iterate steps back to x + β(x⁽ⁱ⁺¹⁾ − x). Defaults as in
 * AutoAttack: α_max = 0.1, η = 1.05, β = 0.9, the first run of a target from x itself; each
 * further restart starts at x + r·u/‖u‖ (u Gaussian, r = min(best radius, ε)/2), clipped.
 *
 * <p>Afterwards a final bisection along the segment from x to the best point
 * ({@link #SEARCH_STEPS} forward calls, our addition as in {@link FmnL2}: it can only shorten the
 * perturbation) moves it onto the boundary. A sample counts as broken at ε when its best point
 * lies within ε; for the others the kept point is the best point scaled back onto the ε-sphere (or
 * the clean input when none was found). The kept points are run through the model once more and
 * only a misclassified kept point counts (the suite checks them again).
 *
 * <p>Cost per batch: 1 forward call to rank the classes, per target and restart {@code steps}
 * gradient calls on 2× the rows and {@code steps} forward calls, then {@link #SEARCH_STEPS} + 1
 * forward calls.
 *
 * @param steps iterations per target and restart (AutoAttack: 100)
 * @param targets target classes per sample, at most K − 1 are used (AutoAttack: 9)
 * @param restarts runs per target (AutoAttack's FAB-T: 1)
 * @param seed seed of the restarts' random starts
 * @param range valid input range
 */
public record FabTargetedL2(int steps, int targets, int restarts, long seed, InputRange range) implements Attack {

  /** Largest weight α of the step towards the clean input's projection. */
  public static final double ALPHA_MAX = 0.1;
  /** Extrapolation factor η past the linearized boundary. */
  public static final double ETA = 1.05;
  /** Backward step β towards the clean input after a misclassified iterate. */
  public static final double BETA = 0.9;
  /** AutoAttack's FAB-T runs per target. */
  public static final int DEFAULT_RESTARTS = 1;
  /** Bisection steps of the final search along the segment from x to the best point. */
  public static final int SEARCH_STEPS = 16;
  private static final double MIN_NORM = 1e-8;

  /** Checks the settings. */
  public FabTargetedL2 {
    if (steps < 1 || targets < 1 || restarts < 1) {
      throw new IllegalArgumentException("FAB-T needs steps, targets and restarts >= 1; got steps=" + steps
          + " targets=" + targets + " restarts=" + restarts);
    }
  }

  @Override
  public String name() {
    return "fab-t";
  }

  @Override
  public int maxOracleCalls() {
    return 1 + targets * restarts * 2 * steps + SEARCH_STEPS + 1;
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    ForwardResult clean = oracle.forward(x, labels);
    progress.accept(1);
    FmnL2.Result found = search(oracle, x, labels, eps, streams, clean, progress);
    int n = x.batchSize();
    int d = x.sampleSize();
    float[] x0 = x.data();
    float[] kept = x0.clone();
    for (int i = 0; i < n; i++) {
      double r = found.radius()[i];
      if (!Double.isFinite(r)) {
        continue;
      }
      double scale = r <= eps ? 1.0 : eps / r;
      for (int j = i * d; j < (i + 1) * d; j++) {
        kept[j] = (float) range.clip(x0[j] + scale * ((double) found.adversarial().data()[j] - x0[j]));
      }
      if (r > eps) {
        L2Ball.projectAndClip(x0, kept, i, d, eps, range);
      }
    }
    OutcomeTracker tracker = new OutcomeTracker(x);
    int[] all = java.util.stream.IntStream.range(0, n).toArray();
    tracker.observe(x0, all, labels, clean);
    FloatTensor keptPoints = new FloatTensor(x.shape().clone(), kept);
    tracker.observe(kept, all, labels, oracle.forward(keptPoints, labels));
    progress.accept(1);
    return tracker.outcome(x.shape());
  }

  /**
   * The nearest misclassified point FAB-T finds per sample (+∞ radius and the clean input where
   * none). A sample counts as done once a target found a point within {@code eps} (later targets
   * skip it); a tiny {@code eps} runs every target on every sample.
   */
  public FmnL2.Result minimalPerturbation(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams,
      IntConsumer progress) {
    ForwardResult clean = oracle.forward(x, labels);
    progress.accept(1);
    return search(oracle, x, labels, eps, streams, clean, progress);
  }

  private FmnL2.Result search(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams,
      ForwardResult clean, IntConsumer progress) {
    int n = x.batchSize();
    int d = x.sampleSize();
    int classes = clean.output().sampleSize();
    int rounds = Math.min(targets, classes - 1);
    int[][] ranked = ApgdTargetedL2.ranks(clean, labels);
    float[] best = x.data().clone();
    double[] bestRadius = new double[n];
    Arrays.fill(bestRadius, Double.POSITIVE_INFINITY);
    for (int round = 0; round < rounds; round++) {
      for (int restart = 0; restart < restarts; restart++) {
        int[] index = java.util.stream.IntStream.range(0, n).filter(i -> !(bestRadius[i] <= eps)).toArray();
        if (index.length == 0) {
          progress.accept(2 * steps);
          continue;
        }
        int[] t = new int[index.length];
        for (int r = 0; r < index.length; r++) {
          t[r] = ranked[index[r]][round + 1];
        }
        int stream = round * restarts + restart;
        runOnce(oracle, x, labels, index, t, restart, eps, r -> Rng.of(seed, eps, streams[index[r]], stream), best, bestRadius,
            progress);
      }
    }
    progress.accept((targets - rounds) * restarts * 2 * steps);
    SegmentSearch.shrink(oracle, x, labels, best, bestRadius, SEARCH_STEPS, progress);
    return new FmnL2.Result(bestRadius, new FloatTensor(x.shape().clone(), best));
  }

  /** One FAB run towards targets {@code t} on the samples {@code index} of the batch. */
  private void runOnce(GradientOracle oracle, FloatTensor x, int[] labels, int[] index, int[] t, int restart, double eps,
      java.util.function.IntFunction<SplittableRandom> rng, float[] best, double[] bestRadius, IntConsumer progress) {
    int m = index.length;
    int d = x.sampleSize();
    float[] x0 = x.select(index).data();
    int[] y = Labels.select(labels, index);
    float[] x1 = x0.clone();
    if (restart > 0) {
      for (int r = 0; r < m; r++) {
        double radius = Math.min(bestRadius[index[r]], eps) / 2;
        float[] u = new float[d];
        L2Ball.unitDirection(rng.apply(r), u, 0, d);
        for (int j = 0; j < d; j++) {
          x1[r * d + j] = (float) range.clip(x0[r * d + j] + radius * u[j]);
        }
      }
    }
    long[] shape = x.select(index).shape();
    double[] w = new double[d];
    double[] d1 = new double[d];
    double[] d2 = new double[d];
    for (int it = 0; it < steps; it++) {
      GradientResult g = StackedGradients.of(oracle, new FloatTensor(shape, x1), y, t);
      progress.accept(1);
      float[] gd = g.gradient().data();
      int classes = g.output().sampleSize();
      for (int r = 0; r < m; r++) {
        int off = r * d;
        double[] z = TargetedDlr.logits(g.output().data(), r * classes, classes, y[r], g.loss()[r]);
        double f = z[t[r]] - z[y[r]];
        double towardsClean = 0;
        for (int j = 0; j < d; j++) {
          w[j] = (double) gd[off + j] - gd[(m + r) * d + j];
          towardsClean += w[j] * ((double) x0[off + j] - x1[off + j]);
        }
        HyperplaneProjection.project(x1, off, w, -f, range, d1);
        HyperplaneProjection.project(x0, off, w, -(f + towardsClean), range, d2);
        double a1 = Math.max(norm(d1), MIN_NORM);
        double a2 = Math.max(norm(d2), MIN_NORM);
        double alpha = Math.min(a1 / (a1 + a2), ALPHA_MAX);
        for (int j = 0; j < d; j++) {
          double v = (1 - alpha) * (x1[off + j] + ETA * d1[j]) + alpha * (x0[off + j] + ETA * d2[j]);
          x1[off + j] = (float) range.clip(v);
        }
      }
      int[] pred = oracle.forward(new FloatTensor(shape, x1), y).predictions();
      progress.accept(1);
      for (int r = 0; r < m; r++) {
        if (pred[r] == y[r]) {
          continue;
        }
        int i = index[r];
        double dist = L2Ball.distance(x1, x0, r * d, d);
        if (dist < bestRadius[i]) {
          bestRadius[i] = dist;
          System.arraycopy(x1, r * d, best, i * d, d);
        }
        for (int j = r * d; j < (r + 1) * d; j++) {
          x1[j] = (float) (x0[j] + BETA * ((double) x1[j] - x0[j]));
        }
      }
    }
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double a : v) {
      s += a * a;
    }
    return Math.sqrt(s);
  }
}
