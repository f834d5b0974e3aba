package io.lcnn.auditor.audit;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.Set;

/**
 * Kink-robust references for a piecewise-linear classifier with logit outputs (ReLU, max-pool,
 * convolutions, affine layers): inside a linear region the logits are z(x + t·d) = z + t·Jd, so
 * ∇f·d = sᵀ(Jd) and d·(H d) = (Jd)ᵀ S (Jd), with s = softmax(z) − e_y and S = diag(p) − p pᵀ the
 * loss's derivatives in the logits. Jd comes from central differences of the logits, which are
 * continuous: a step that crosses a kink gives a secant off by the share of the step past the kink
 * times the slope change, not the 1/h blow-up of differences of a discontinuous gradient. A step
 * crossed no kink when the logits' second difference z(x+hd) − 2z(x) + z(x−hd) (zero on a linear
 * piece) is within {@link SelfChecker#AGREE} of z(x+hd) − z(x−hd) plus float32 round-off.
 */
final class LogitLinearization {
  /** Ops that are linear, affine or piecewise-linear in the input (with constant weights). */
  static final Set<String> PIECEWISE_LINEAR = Set.of("Relu", "LeakyRelu", "PRelu", "MaxPool", "GlobalMaxPool", "Clip",
      "Abs", "Max", "Min", "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "BatchNormalization", "Flatten",
      "Reshape", "Transpose", "Concat", "Pad", "Slice", "Identity", "GlobalAveragePool", "AveragePool", "Dropout",
      "Squeeze", "Unsqueeze", "Split", "Constant", "Shape", "Gather", "Neg", "Sum");

  /** Round-off allowed in a second difference of float32 logits, relative to ‖z‖ (four units in the last place). */
  static final double FLOAT_NOISE = 4 * Math.ulp(1f);

  /** Per sample and step: relative errors, between consecutive steps, and kink-free flags. */
  record Errors(double[][] err, double[][] between, boolean[][] smooth) {}

  private final double[][] gradErr;
  private final double[][] gradBetween;
  private final double[][] hvpErr;
  private final double[][] hvpBetween;
  private final boolean[][] smooth;

  /**
   * @param gradient oracle whose forward outputs are logits [k, K]
   * @param x the points [k, ...]
   * @param labels their labels
   * @param logits the logits at x [k·K]
   * @param direction unit directions d [k, ...]
   * @param gradNorm ∇f·d = ‖∇f‖ per sample
   * @param dHd d·(H d) per sample from the HVP oracle
   * @param steps steps h per sample and step index (input units)
   */
  LogitLinearization(GradientOracle gradient, FloatTensor x, int[] labels, float[] logits, FloatTensor direction,
      double[] gradNorm, double[] dHd, double[][] steps) {
    int k = x.batchSize();
    int d = x.sampleSize();
    int n = steps[0].length;
    int classes = logits.length / k;
    float[] rows = new float[2 * n * k * d];
    int[] rowLabels = new int[2 * n * k];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < k; i++) {
        int plus = (2 * s * k + i) * d;
        int minus = ((2 * s + 1) * k + i) * d;
        for (int j = 0; j < d; j++) {
          rows[plus + j] = (float) (x.data()[i * d + j] + steps[i][s] * direction.data()[i * d + j]);
          rows[minus + j] = (float) (x.data()[i * d + j] - steps[i][s] * direction.data()[i * d + j]);
        }
        rowLabels[2 * s * k + i] = labels[i];
        rowLabels[(2 * s + 1) * k + i] = labels[i];
      }
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * n * k;
    float[] z = gradient.forward(new FloatTensor(shape, rows), rowLabels).output().data();
    gradErr = new double[k][n];
    hvpErr = new double[k][n];
    gradBetween = new double[k][n - 1];
    hvpBetween = new double[k][n - 1];
    smooth = new boolean[k][n];
    for (int i = 0; i < k; i++) {
      double[] p = softmax(logits, i * classes, classes);
      double prevG = Double.NaN;
      double prevQ = Double.NaN;
      for (int s = 0; s < n; s++) {
        int plus = (2 * s * k + i) * classes;
        int minus = ((2 * s + 1) * k + i) * classes;
        double sU = 0;
        double pU = 0;
        double pUU = 0;
        double second = 0;
        double first = 0;
        double size = 0;
        for (int c = 0; c < classes; c++) {
          double diff = (double) z[plus + c] - z[minus + c];
          double u = diff / (2 * steps[i][s]);
          double sc = p[c] - (c == labels[i] ? 1 : 0);
          sU += sc * u;
          pU += p[c] * u;
          pUU += p[c] * u * u;
          double curv = (double) z[plus + c] - 2.0 * logits[i * classes + c] + z[minus + c];
          second += curv * curv;
          first += diff * diff;
          size += (double) logits[i * classes + c] * logits[i * classes + c];
        }
        double noise = FLOAT_NOISE * Math.sqrt(size);
        double q = pUU - pU * pU;
        gradErr[i][s] = Math.abs(gradNorm[i] - sU) / Math.max(gradNorm[i], 1e-30);
        hvpErr[i][s] = Math.abs(dHd[i] - q) / Math.max(Math.abs(dHd[i]), 1e-30);
        smooth[i][s] = Math.sqrt(second) <= SelfChecker.AGREE * Math.sqrt(first) + noise;
        if (s > 0) {
          gradBetween[i][s - 1] = Math.abs(sU - prevG) / Math.max(Math.abs(sU), 1e-30);
          hvpBetween[i][s - 1] = Math.abs(q - prevQ) / Math.max(Math.abs(q), 1e-30);
        }
        prevG = sU;
        prevQ = q;
      }
    }
  }

  /** ∇f·d against sᵀ(Jd). */
  Errors gradient() {
    return new Errors(gradErr, gradBetween, smooth);
  }

  /** d·(Hd) against (Jd)ᵀ S (Jd). */
  Errors hvp() {
    return new Errors(hvpErr, hvpBetween, smooth);
  }

  private static double[] softmax(float[] z, int offset, int k) {
    double m = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      m = Math.max(m, z[offset + c]);
    }
    double[] p = new double[k];
    double sum = 0;
    for (int c = 0; c < k; c++) {
      p[c] = Math.exp(z[offset + c] - m);
      sum += p[c];
    }
    for (int c = 0; c < k; c++) {
      p[c] /= sum;
    }
    return p;
  }
}
