package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The projection onto ball ∩ box against Dykstra's alternating projections in double precision. */
class L2BallProjectionTest {

  @Test
  void matchesDykstrasProjectionOntoTheIntersectionOfBallAndBox() {
    SplittableRandom rng = new SplittableRandom(5);
    InputRange range = InputRange.UNIT;
    int d = 50;
    double worst = 0;
    for (int trial = 0; trial < 40; trial++) {
      float[] x = new float[d];
      float[] adv = new float[d];
      for (int j = 0; j < d; j++) {
        // many coordinates on the box's faces, as black and white pixels are
        x[j] = rng.nextDouble() < 0.4 ? (rng.nextBoolean() ? 0f : 1f) : (float) rng.nextDouble();
        adv[j] = (float) (x[j] + 0.5 * rng.nextGaussian());
      }
      double eps = 0.2 + rng.nextDouble();
      double[] want = dykstra(x, adv, eps, range);
      L2Ball.projectAndClip(x, 0, adv, 0, d, eps, range);
      for (int j = 0; j < d; j++) {
        worst = Math.max(worst, Math.abs(adv[j] - want[j]));
        assertTrue(adv[j] >= 0 && adv[j] <= 1);
      }
      assertTrue(L2Ball.distance(adv, x, 0, d) <= eps + 1e-9);
    }
    assertEquals(0, worst, 1e-5, "largest coordinate difference to Dykstra's projection");
  }

  @Test
  void usesTheWholeBudgetWhereScalingThenClippingFallsInsideTheBall() {
    float[] x = {0f, 0f, 0.5f, 0.5f};
    float[] adv = {-1f, -1f, 0.6f, 0.5f};
    L2Ball.projectAndClip(x, 0, adv, 0, 4, 0.05, InputRange.UNIT);
    assertEquals(0.05, L2Ball.distance(adv, x, 0, 4), 1e-6);
    assertEquals(0.55f, adv[2], 1e-6);
  }

  /** Dykstra's algorithm: the projection onto the intersection of the ball and the box. */
  private static double[] dykstra(float[] x, float[] v, double eps, InputRange range) {
    int d = x.length;
    double[] z = new double[d];
    for (int j = 0; j < d; j++) {
      z[j] = v[j];
    }
    double[] p = new double[d];
    double[] q = new double[d];
    for (int it = 0; it < 20000; it++) {
      double[] y = new double[d];
      double n = 0;
      for (int j = 0; j < d; j++) {
        y[j] = z[j] + p[j] - x[j];
        n += y[j] * y[j];
      }
      n = Math.sqrt(n);
      double s = n > eps ? eps / n : 1;
      for (int j = 0; j < d; j++) {
        double ball = x[j] + y[j] * s;
        p[j] = z[j] + p[j] - ball;
        y[j] = ball;
      }
      for (int j = 0; j < d; j++) {
        double box = range.clip(y[j] + q[j]);
        q[j] = y[j] + q[j] - box;
        z[j] = box;
      }
    }
    return z;
  }
}
