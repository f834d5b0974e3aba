package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A closed-form Hessian oracle: sample i of a batch has the fixed symmetric matrix Q diag(λ_i) Qᵀ
 * (Q a random orthogonal matrix), whatever its input; the sample is identified by its label.
 */
final class SymmetricMatrixHvpOracle implements HvpOracle {
  private final RealMatrix[] matrices;
  int calls;

  SymmetricMatrixHvpOracle(long seed, double[]... spectra) {
    matrices = new RealMatrix[spectra.length];
    Random rng = new Random(seed);
    for (int s = 0; s < spectra.length; s++) {
      int n = spectra[s].length;
      double[][] g = new double[n][n];
      for (double[] row : g) {
        for (int j = 0; j < n; j++) {
          row[j] = rng.nextGaussian();
        }
      }
      RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g)).getQ();
      matrices[s] = q.multiply(MatrixUtils.createRealDiagonalMatrix(spectra[s])).multiply(q.transpose());
    }
  }

  /** Inputs [B, n] whose labels 0..B−1 pick the matrices. */
  FloatTensor inputs() {
    int n = matrices[0].getRowDimension();
    return FloatTensor.zeros(matrices.length, n);
  }

  int[] labels() {
    int[] l = new int[matrices.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = i;
    }
    return l;
  }

  @Override
  public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
    calls++;
    int d = x.sampleSize();
    float[] out = new float[v.data().length];
    for (int i = 0; i < labels.length; i++) {
      double[] vi = new double[d];
      for (int j = 0; j < d; j++) {
        vi[j] = v.data()[i * d + j];
      }
      double[] hv = matrices[labels[i]].operate(vi);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) hv[j];
      }
    }
    return new FloatTensor(v.shape().clone(), out);
  }

  @Override
  public String mode() {
    return "closed-form";
  }
}
