package io.lcnn.trainer.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class CenteredSoftplusTest {
  private static final double[] XS = {-3, -0.7, -0.01, 0, 1e-4, 0.02, 0.5, 2.5, 40};

  /** Closed form ln((1 + e^{βx})/2)/β, evaluated stably. */
  private static double closedForm(double x, double beta) {
    double z = beta * x;
    return (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - Math.log(2)) / beta;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private void checkAgainstClosedForm(double beta) {
    try (NDManager m = NDManager.newBaseManager()) {
      CenteredSoftplus act = new CenteredSoftplus(beta, true);
      act.initialize(m, DataType.FLOAT64, new Shape(XS.length));
      double b = act.beta();
      assertEquals(beta, b, 1e-6 * beta);
      NDArray x = m.create(XS);
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        y = act.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
        gc.backward(y.sum());
      }
      double[] yv = y.toDoubleArray();
      double[] dx = x.getGradient().toDoubleArray();
      double dLogBeta = act.logBetaParameter().getArray().getGradient().getDouble(0);
      double expected = 0;
      for (int i = 0; i < XS.length; i++) {
        double z = b * XS[i];
        assertEquals(closedForm(XS[i], b), yv[i], 1e-9 * Math.max(1, Math.abs(yv[i])), "value at x=" + XS[i]);
        // libtorch switches to the identity beyond βx > 20, where σ(βx) differs from 1 by e^-20 ≈ 2e-9.
        assertEquals(sigmoid(z), dx[i], 1e-8, "d/dx at x=" + XS[i]);
        double sp = closedForm(XS[i], b) * b + Math.log(2);
        double dBeta = XS[i] * sigmoid(z) / b - (sp - Math.log(2)) / (b * b);
        expected += dBeta * (b - CenteredSoftplus.BETA_FLOOR);
      }
      assertEquals(expected, dLogBeta, 1e-9 * Math.max(1, Math.abs(expected)), "d/dlogβ");
    }
  }

  @Test
  void valuesAndDerivativesMatchClosedFormAtInitialBeta() {
    checkAgainstClosedForm(CenteredSoftplus.INITIAL_BETA);
  }

  @Test
  void largeBetaTimesXStaysFiniteAndExact() {
    checkAgainstClosedForm(1000);
  }

  @Test
  void centeredAtZeroForAnyBeta() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (double beta : new double[] {0.01, 1, 10, 1000}) {
        CenteredSoftplus act = new CenteredSoftplus(beta, false);
        act.initialize(m, DataType.FLOAT32, new Shape(1));
        NDArray y = act.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1))), false)
            .singletonOrThrow();
        assertEquals(0.0, y.getFloat(0), 1e-6);
      }
    }
  }
}
