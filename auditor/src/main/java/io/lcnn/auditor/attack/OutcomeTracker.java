package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;

/**
 * Keeps, per sample of a batch, the first misclassified point seen (and never replaces it) or,
 * while none is seen, the point of highest loss. Points come from sub-batches given by index.
 */
final class OutcomeTracker {
  private final int d;
  private final boolean[] broken;
  private final float[] kept;
  private final float[] loss;

  OutcomeTracker(FloatTensor x) {
    this.d = x.sampleSize();
    this.broken = new boolean[x.batchSize()];
    this.kept = x.data().clone();
    this.loss = new float[x.batchSize()];
    Arrays.fill(loss, Float.NEGATIVE_INFINITY);
  }

  /** Records the points {@code points} (sample r belongs to batch index {@code index[r]}). */
  void observe(float[] points, int[] index, int[] labels, ForwardResult fwd) {
    int[] pred = fwd.predictions();
    for (int r = 0; r < index.length; r++) {
      int i = index[r];
      if (broken[i]) {
        continue;
      }
      boolean wrong = pred[r] != labels[i];
      float l = fwd.loss()[r];
      if (wrong || l > loss[i] || Float.isNaN(loss[i])) {
        System.arraycopy(points, r * d, kept, i * d, d);
        loss[i] = l;
      }
      broken[i] = wrong;
    }
  }

  boolean isBroken(int i) {
    return broken[i];
  }

  /** Batch indices not broken yet. */
  int[] unbroken() {
    return java.util.stream.IntStream.range(0, broken.length).filter(i -> !broken[i]).toArray();
  }

  AttackOutcome outcome(long[] shape) {
    return new AttackOutcome(broken.clone(), new FloatTensor(shape.clone(), kept.clone()), loss.clone());
  }

  /** One restart of an attack on the samples (by index into the batch) that are not broken yet. */
  interface Restart {
    void run(int restart, int[] unbroken);
  }

  /**
   * Runs {@code restarts} restarts, each on the samples still unbroken; once every sample is
   * broken the remaining restarts are skipped and their {@code callsPerRestart} oracle calls are
   * reported to {@code progress} as done.
   */
  void runRestarts(int restarts, int callsPerRestart, java.util.function.IntConsumer progress, Restart body) {
    for (int restart = 0; restart < restarts; restart++) {
      int[] index = unbroken();
      if (index.length == 0) {
        progress.accept((restarts - restart) * callsPerRestart);
        return;
      }
      body.run(restart, index);
    }
  }
}
