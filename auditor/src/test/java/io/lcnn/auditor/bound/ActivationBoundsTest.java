package io.lcnn.auditor.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each activation's bounds against a dense grid (z from −40 to 40, step 1e-4) of its first and
 * second derivatives written out here in closed form: sup|σ'|, sup|σ''/σ'| and sup|σ''| on the
 * grid are at most the constants and within 1e-3 (relative) of them; for GELU and SiLU the ratio
 * grows past 10³ near the zero of σ', so "unbounded" is right.
 */
class ActivationBoundsTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double phi(double z) {
    return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  }

  private static double cdf(double z) {
    return 0.5 * org.apache.commons.math3.special.Erf.erfc(-z / Math.sqrt(2));
  }

  @Test
  void constantsAreTheSupremaOfTheDerivatives() {
    check(Activation.SOFTPLUS, ActivationBoundsTest::sigmoid, z -> sigmoid(z) * (1 - sigmoid(z)));
    check(Activation.TANH, z -> 1 - Math.tanh(z) * Math.tanh(z), z -> -2 * Math.tanh(z) * (1 - Math.tanh(z) * Math.tanh(z)));
    check(Activation.SIGMOID, z -> sigmoid(z) * (1 - sigmoid(z)),
        z -> sigmoid(z) * (1 - sigmoid(z)) * (1 - 2 * sigmoid(z)));
    check(Activation.ELU, z -> z < 0 ? Math.exp(z) : 1, z -> z < 0 ? Math.exp(z) : 0);
    check(Activation.GELU, z -> cdf(z) + z * phi(z), z -> (2 - z * z) * phi(z));
    check(Activation.SILU, z -> sigmoid(z) + z * sigmoid(z) * (1 - sigmoid(z)),
        z -> sigmoid(z) * (1 - sigmoid(z)) * (2 + z * (1 - 2 * sigmoid(z))));
  }

  private static void check(Activation a, DoubleUnaryOperator d1, DoubleUnaryOperator d2) {
    double slope = 0;
    double ratio = 0;
    double second = 0;
    for (double z = -40; z <= 40; z += 1e-4) {
      double f1 = d1.applyAsDouble(z);
      double f2 = d2.applyAsDouble(z);
      slope = Math.max(slope, Math.abs(f1));
      second = Math.max(second, Math.abs(f2));
      if (f1 != 0) {
        ratio = Math.max(ratio, Math.abs(f2 / f1));
      }
    }
    assertTrue(slope <= a.slope() && a.slope() - slope <= 1e-3 * a.slope(), a + " slope " + slope);
    assertTrue(second <= a.secondDerivative() * (1 + 1e-12), a + " second derivative " + second);
    assertEquals(a.secondDerivative(), second, 1e-3 * a.secondDerivative(), a + " second derivative");
    if (Double.isInfinite(a.curvature())) {
      assertTrue(ratio > 1e3, a + " ratio only " + ratio);
    } else {
      assertTrue(ratio <= a.curvature() && a.curvature() - ratio <= 1e-3 * a.curvature(), a + " ratio " + ratio);
    }
  }
}
