package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ClassificationLoss;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * AutoAttack's targeted DLR loss L = −(z_y − z_t)/(z_π1 − ½(z_π3 + z_π4) + 1e-12) and its input
 * gradient from the cross-entropy oracle alone. With G_k = ∇ₓCE(x, k), a difference of logit
 * gradients is a difference of cross-entropy gradients, ∇z_a − ∇z_b = G_b − G_a (the softmax
 * term Σ p_j∇z_j cancels; for a probability output z = log p and G_k = −∇z_k exactly). So
 * ∇N = G_t − G_y for N = z_y − z_t, ∇D = ½(G_π3 − G_π1) + ½(G_π4 − G_π1) for the denominator
 * D, and ∇L = (−∇N − L·∇D)/D. One oracle call per step evaluates the four blocks y, t, π3, π4 on
 * the stacked batch (π1 is taken as y, which holds for every sample not yet broken; π3 and π4 are
 * the previous point's, one step behind when the ranks of the 3rd and 4th class swap; the
 * loss value itself uses the current point's ranking). The first call on a run is a forward pass
 * that ranks the start point.
 */
final class TargetedDlr implements ApgdLoss.Session {
  private final GradientOracle oracle;
  private final int[] y;
  private final int[] targets;
  private int[] third;
  private int[] fourth;

  TargetedDlr(GradientOracle oracle, int[] y, int[] targets) {
    if (targets == null || targets.length != y.length) {
      throw new IllegalArgumentException("the targeted DLR loss needs one target per sample");
    }
    this.oracle = oracle;
    this.y = y;
    this.targets = targets;
  }

  @Override
  public ApgdLoss.Evaluation evaluate(FloatTensor points, IntConsumer progress) {
    int n = y.length;
    int d = points.sampleSize();
    if (third == null) {
      rank(oracle.forward(points, y));
      progress.accept(1);
    }
    GradientResult g = StackedGradients.of(oracle, points, y, targets, third, fourth);
    progress.accept(1);
    int classes = g.output().sampleSize();
    float[] trueLoss = Arrays.copyOf(g.loss(), n);
    FloatTensor trueOut = new FloatTensor(outShape(n, classes), Arrays.copyOf(g.output().data(), n * classes));
    ForwardResult trueForward = new ForwardResult(trueLoss, trueOut);
    float[] loss = new float[n];
    float[] grad = new float[n * d];
    float[] gd = g.gradient().data();
    for (int i = 0; i < n; i++) {
      double[] z = logits(trueOut.data(), i * classes, classes, y[i], trueLoss[i]);
      double[] sorted = z.clone();
      Arrays.sort(sorted);
      double num = z[y[i]] - z[targets[i]];
      double den = sorted[classes - 1] - 0.5 * (sorted[classes - 3] + sorted[classes - 4]) + 1e-12;
      double l = -num / den;
      loss[i] = (float) l;
      int gy = i * d;
      int gt = (n + i) * d;
      int g3 = (2 * n + i) * d;
      int g4 = (3 * n + i) * d;
      for (int j = 0; j < d; j++) {
        double dNum = gd[gt + j] - gd[gy + j];
        double dDen = 0.5 * (gd[g3 + j] - gd[gy + j]) + 0.5 * (gd[g4 + j] - gd[gy + j]);
        grad[i * d + j] = (float) ((-dNum - l * dDen) / den);
      }
    }
    rank(trueForward);
    return new ApgdLoss.Evaluation(loss, grad, trueForward);
  }

  /** Records the 3rd and 4th largest class of each row for the next step's gradient. */
  private void rank(ForwardResult f) {
    int n = y.length;
    int classes = f.output().sampleSize();
    third = new int[n];
    fourth = new int[n];
    for (int i = 0; i < n; i++) {
      double[] z = logits(f.output().data(), i * classes, classes, y[i], f.loss()[i]);
      Integer[] order = new Integer[classes];
      for (int k = 0; k < classes; k++) {
        order[k] = k;
      }
      Arrays.sort(order, (a, b) -> Double.compare(z[b], z[a]));
      third[i] = order[2];
      fourth[i] = order[3];
    }
  }

  /**
   * The row as logits: the output itself, or log p when the row is a probability vector (told
   * apart by which reading reproduces the oracle's loss −log p_y or logsumexp(z) − z_y).
   */
  static double[] logits(float[] out, int off, int k, int label, float loss) {
    double[] z = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, out[off + j]);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += Math.exp(out[off + j] - max);
    }
    double asLogits = Math.log(sum) + max - out[off + label];
    double asProbability = -Math.log(Math.max(out[off + label], ClassificationLoss.MIN_PROBABILITY));
    boolean probabilities = Math.abs(asProbability - loss) < Math.abs(asLogits - loss);
    for (int j = 0; j < k; j++) {
      z[j] = probabilities ? Math.log(Math.max(out[off + j], ClassificationLoss.MIN_PROBABILITY)) : out[off + j];
    }
    return z;
  }

  private static long[] outShape(int n, int classes) {
    return new long[] {n, classes};
  }
}
