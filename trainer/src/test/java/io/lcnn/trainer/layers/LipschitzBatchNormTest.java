package io.lcnn.trainer.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class LipschitzBatchNormTest {
  private static final double[] VARS = {0.04, 1.0, 2.5, 9.0};

  private static void check(double gamma) {
    try (NDManager m = NDManager.newBaseManager()) {
      LipschitzBatchNorm bn = new LipschitzBatchNorm();
      bn.initialize(m, DataType.FLOAT64, new Shape(1, 4, 3, 3));
      bn.runningVarParameter().getArray().set(VARS);
      bn.runningMeanParameter().getArray().set(new double[] {0.3, -1, 2, 0});
      bn.logGammaParameter().getArray().set(new double[] {Math.log(gamma)});
      ParameterStore ps = new ParameterStore(m, false);
      double minStd = Math.sqrt(VARS[0] + LipschitzBatchNorm.EPS);
      double lipschitz = Math.min(1.0, gamma * minStd) / minStd;
      assertTrue(lipschitz <= gamma * (1 + 1e-12));
      double maxRatio = 0;
      for (int trial = 0; trial < 50; trial++) {
        NDArray a = m.randomNormal(new Shape(1, 4, 3, 3), DataType.FLOAT64).mul(3);
        NDArray d = m.randomNormal(new Shape(1, 4, 3, 3), DataType.FLOAT64);
        NDArray fa = bn.forward(ps, new NDList(a), false).singletonOrThrow();
        NDArray fb = bn.forward(ps, new NDList(a.add(d)), false).singletonOrThrow();
        maxRatio = Math.max(maxRatio, fb.sub(fa).norm().getDouble() / d.norm().getDouble());
      }
      assertTrue(maxRatio <= gamma * (1 + 1e-9), "amplification " + maxRatio + " > γ=" + gamma);
      // A difference confined to the smallest-variance channel attains the Lipschitz constant.
      NDArray d = m.zeros(new Shape(1, 4, 3, 3), DataType.FLOAT64);
      d.set(new ai.djl.ndarray.index.NDIndex("0, 0"), 1.0);
      NDArray a = m.randomNormal(new Shape(1, 4, 3, 3), DataType.FLOAT64);
      double ratio = bn.forward(ps, new NDList(a.add(d)), false).singletonOrThrow()
          .sub(bn.forward(ps, new NDList(a), false).singletonOrThrow()).norm().getDouble() / d.norm().getDouble();
      assertEquals(lipschitz, ratio, 1e-9);
    }
  }

  @Test
  void neverAmplifiesByMoreThanSmallGamma() {
    check(0.5);
  }

  @Test
  void neverAmplifiesByMoreThanInitialGamma() {
    check(LipschitzBatchNorm.INITIAL_GAMMA);
  }

  @Test
  void trainingModeUpdatesRunningStatisticsLikeTorch() {
    try (NDManager m = NDManager.newBaseManager()) {
      LipschitzBatchNorm bn = new LipschitzBatchNorm();
      bn.initialize(m, DataType.FLOAT64, new Shape(1, 2, 2, 2));
      double[] xs = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 1, 1, 1, 1};
      NDArray x = m.create(xs, new Shape(2, 2, 2, 2));
      bn.forward(new ParameterStore(m, false), new NDList(x), true);
      // channel 0: {1,2,3,4,0,0,0,0}: mean 1.25, unbiased var = Σ(x−1.25)²/7
      double mean0 = 1.25;
      double ss = 0;
      for (double v : new double[] {1, 2, 3, 4, 0, 0, 0, 0}) {
        ss += (v - mean0) * (v - mean0);
      }
      // libtorch receives the momentum as a float, so the running update is exact to float precision.
      assertEquals(0.1 * mean0, bn.runningMeanParameter().getArray().getDouble(0), 1e-7);
      assertEquals(0.9 + 0.1 * ss / 7, bn.runningVarParameter().getArray().getDouble(0), 1e-7);
    }
  }
}
