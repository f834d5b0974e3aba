package io.lcnn.trainer.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class SpectralLayersTest {

  /**
   * Operator norm of x ↦ conv(x, w) by 300 fresh power iterations on AᵀA, in float64, with the
   * adjoint Aᵀ whose correctness {@link #transposedConvolutionIsTheAdjoint} pins down; independent
   * of the layer's own σ, u and v.
   */
  private static double independentConvNorm(SpectralConv2d layer, NDArray w, Shape inShape, NDManager m) {
    NDArray x = m.randomNormal(inShape, DataType.FLOAT64);
    double sigma = 0;
    for (int i = 0; i < 300; i++) {
      x = x.div(x.norm());
      NDArray y = layer.convolve(x, w);
      sigma = y.norm().getDouble();
      assertTrue(Double.isFinite(sigma), "power iteration diverged at step " + i);
      x = layer.convolveTransposed(y, w);
    }
    return sigma;
  }

  private static void checkConvNorm(int filters, int kernel, int stride, int pad, Shape inShape) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      SpectralConv2d conv = new SpectralConv2d(filters, kernel, stride, pad, true);
      conv.initialize(m, DataType.FLOAT64, inShape);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(inShape, DataType.FLOAT64);
      for (int i = 0; i < 30; i++) {
        conv.forward(ps, new NDList(x), true);
      }
      NDArray wn = conv.normalizedWeight().stopGradient();
      double norm = independentConvNorm(conv, wn, new Shape(1, inShape.get(1), inShape.get(2), inShape.get(3)), m);
      assertEquals(1.0, norm, 0.02, "operator norm of the normalized convolution");
    }
  }

  @Test
  void normalizedStridedConvolutionHasOperatorNormOne() {
    checkConvNorm(6, 3, 2, 1, new Shape(2, 3, 11, 11));
  }

  @Test
  void normalizedUnitStrideConvolutionHasOperatorNormOne() {
    checkConvNorm(5, 3, 1, 1, new Shape(2, 4, 8, 8));
  }

  @Test
  void normalizedOneByOneConvolutionHasOperatorNormOne() {
    checkConvNorm(5, 1, 2, 0, new Shape(2, 4, 8, 8));
  }

  @Test
  void transposedConvolutionIsTheAdjoint() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (int[] cfg : new int[][] {{3, 2, 1, 11}, {3, 2, 1, 12}, {1, 2, 0, 9}, {3, 1, 1, 7}}) {
        Shape in = new Shape(1, 3, cfg[3], cfg[3]);
        SpectralConv2d conv = new SpectralConv2d(4, cfg[0], cfg[1], cfg[2], false);
        conv.initialize(m, DataType.FLOAT64, in);
        NDArray w = conv.weightParameter().getArray();
        NDArray x = m.randomNormal(in, DataType.FLOAT64);
        NDArray ax = conv.convolve(x, w);
        NDArray y = m.randomNormal(ax.getShape(), DataType.FLOAT64);
        NDArray aty = conv.convolveTransposed(y, w);
        assertEquals(in, aty.getShape());
        double lhs = ax.mul(y).sum().getDouble();
        double rhs = x.mul(aty).sum().getDouble();
        assertEquals(lhs, rhs, 1e-9 * Math.abs(lhs), "<Ax, y> = <x, Aᵀy>");
      }
    }
  }

  @Test
  void normalizedLinearWeightHasSpectralNormOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      SpectralLinear fc = new SpectralLinear(7);
      fc.initialize(m, DataType.FLOAT64, new Shape(1, 13));
      for (int i = 0; i < 30; i++) {
        fc.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 13), DataType.FLOAT64)), true);
      }
      double[] w = fc.normalizedWeight().toDoubleArray();
      double[] v = new double[13];
      java.util.Arrays.fill(v, 1.0);
      double sigma = 0;
      for (int it = 0; it < 2000; it++) {
        double[] wv = new double[7];
        for (int r = 0; r < 7; r++) {
          for (int c = 0; c < 13; c++) {
            wv[r] += w[r * 13 + c] * v[c];
          }
        }
        double[] wtwv = new double[13];
        for (int r = 0; r < 7; r++) {
          for (int c = 0; c < 13; c++) {
            wtwv[c] += w[r * 13 + c] * wv[r];
          }
        }
        double n = 0;
        for (double d : wtwv) {
          n += d * d;
        }
        n = Math.sqrt(n);
        double vn = 0;
        for (double d : v) {
          vn += d * d;
        }
        sigma = Math.sqrt(n / Math.sqrt(vn));
        for (int c = 0; c < 13; c++) {
          v[c] = wtwv[c] / n;
        }
      }
      assertEquals(1.0, sigma, 0.02);
    }
  }

  @Test
  void gradientFlowsThroughSigma() {
    try (NDManager m = NDManager.newBaseManager()) {
      SpectralLinear fc = new SpectralLinear(3);
      fc.initialize(m, DataType.FLOAT64, new Shape(1, 4));
      NDArray x = m.randomNormal(new Shape(5, 4), DataType.FLOAT64);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = fc.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        gc.backward(y.sum());
      }
      double[] g = fc.weightParameter().getArray().getGradient().toDoubleArray();
      double[] w = fc.weightParameter().getArray().toDoubleArray();
      // With y = x Wᵀ/σ and σ = uᵀWv homogeneous of degree 1 in W, y is invariant to scaling W,
      // so ⟨∇_W Σy, W⟩ = 0 (Euler); without the σ term it would equal Σy.
      double dot = 0;
      for (int i = 0; i < g.length; i++) {
        dot += g[i] * w[i];
      }
      assertEquals(0.0, dot, 1e-9);
    }
  }
}
