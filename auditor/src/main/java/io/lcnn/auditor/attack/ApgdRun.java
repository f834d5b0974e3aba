package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.IntConsumer;

/**
 * One APGD run (Croce &amp; Hein 2020, Algorithm 1) for the l2 norm on a sub-batch, maximizing an
 * {@link ApgdLoss}: start on the ε-sphere, step size η = 2ε, momentum 0.75, step-size halving and
 * reset to the best point at the checkpoints (see {@link ApgdL2}). Every evaluated point is
 * reported to the {@link OutcomeTracker} with its forward pass on the true labels.
 *
 * @param steps iterations N
 * @param range valid input range
 * @param loss the objective
 */
record ApgdRun(int steps, InputRange range, ApgdLoss loss) {

  /**
   * @param clean the sub-batch's clean inputs
   * @param labels true labels of the whole batch (indexed by {@code index})
   * @param index batch index of each sub-batch row
   * @param targets per sub-batch row the target class, or null for an untargeted loss
   */
  void run(GradientOracle oracle, FloatTensor clean, int[] labels, int[] index, int[] targets, double eps,
      IntFunction<SplittableRandom> rng, OutcomeTracker tracker, IntConsumer progress) {
    int n = index.length;
    int d = clean.sampleSize();
    float[] x0 = clean.data();
    int[] y = Labels.select(labels, index);
    float[] adv = new float[x0.length];
    RandomStarts.onSphere(rng, x0, adv, n, d, eps, range);
    FloatTensor point = new FloatTensor(clean.shape(), adv);
    ApgdLoss.Session session = loss.open(oracle, y, targets);

    ApgdLoss.Evaluation r0 = session.evaluate(point, progress);
    tracker.observe(adv, index, labels, r0.trueForward());
    float[] grad = r0.gradient().clone();
    float[] best = adv.clone();
    float[] gradBest = grad.clone();
    float[] lossBest = r0.loss().clone();
    float[] previousLoss = r0.loss().clone();
    double[] eta = new double[n];
    Arrays.fill(eta, 2 * eps);
    float[] old = adv.clone();
    int[] increases = new int[n];
    boolean[] reducedLastCheck = new boolean[n];
    Arrays.fill(reducedLastCheck, true);
    float[] lossBestLastCheck = lossBest.clone();
    int period = Math.max((int) (0.22 * steps), 1);
    int sizeDecrease = Math.max((int) (0.03 * steps), 1);
    int minPeriod = Math.max((int) (0.06 * steps), 1);
    int sinceCheck = 0;
    float[] z = new float[d];
    float[] zs = new float[d];

    for (int it = 0; it < steps; it++) {
      double a = it > 0 ? ApgdL2.MOMENTUM : 1.0;
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
      ApgdLoss.Evaluation r = session.evaluate(point, progress);
      tracker.observe(adv, index, labels, r.trueForward());
      System.arraycopy(r.gradient(), 0, grad, 0, grad.length);
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
          boolean oscillating = increases[s] <= period * ApgdL2.RHO;
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
