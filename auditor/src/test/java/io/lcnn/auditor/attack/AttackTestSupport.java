package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.testmodels.TanhMlp;
import io.lcnn.datasets.FloatTensor;

/** Assertions shared by the attack tests. */
final class AttackTestSupport {
  private AttackTestSupport() {}

  /** Every point lies within ε (1e-5 slack) of its input and inside the range. */
  static void assertInBallAndRange(FloatTensor x, FloatTensor adv, double eps, InputRange range) {
    assertEquals(java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(adv.shape()));
    int d = x.sampleSize();
    for (int i = 0; i < x.batchSize(); i++) {
      double dist = L2Ball.distance(adv.data(), x.data(), i * d, d);
      assertTrue(dist <= eps + 1e-5, "sample " + i + " at distance " + dist + " > ε=" + eps);
    }
    for (float v : adv.data()) {
      assertTrue(v >= range.lo() && v <= range.hi(), "value " + v + " outside the range");
    }
  }

  /** Every broken sample's kept point is misclassified by the oracle. */
  static void assertBrokenAreMisclassified(GradientOracle oracle, AttackOutcome o, int[] labels) {
    int[] p = oracle.forward(o.adversarial(), labels).predictions();
    for (int i = 0; i < labels.length; i++) {
      if (o.broken()[i]) {
        assertNotEquals(labels[i], p[i], "sample " + i + " counted as broken but classified correctly");
      }
    }
  }

  /**
   * Closed form for a linear classifier without range constraints: the l2 distance from x to the
   * nearest point classified otherwise, min over k ≠ y of (z_y − z_k)/‖w_y − w_k‖.
   */
  static double linearDistance(TanhMlp linear, float[] x, int off, int y, float[] w, int d) {
    double[] z = linear.logits(x, off);
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k < z.length; k++) {
      if (k == y) {
        continue;
      }
      double n = 0;
      for (int j = 0; j < d; j++) {
        double t = w[y * d + j] - w[k * d + j];
        n += t * t;
      }
      best = Math.min(best, (z[y] - z[k]) / Math.sqrt(n));
    }
    return best;
  }

  /** Number of true entries. */
  static int count(boolean[] b) {
    int c = 0;
    for (boolean v : b) {
      c += v ? 1 : 0;
    }
    return c;
  }
}
