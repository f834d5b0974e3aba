package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Each sample's smallest breaking radius: the nearer of the minimum-norm attack's ({@link FmnL2})
 * nearest misclassified point and the worst-case point of the ε-attacks at the smallest ε that
 * broke it; the robust-accuracy curve and median radius that follow; and Proposition 2's radius
 * from the local quadratic model ({@link #quadraticModelRadius}) with its Spearman rank
 * correlation to the measured radius.
 */
public final class SmallestRadiusProbe {
  /** Points of the robust-accuracy curve. */
  public static final int CURVE_POINTS = 41;
  /** Name of the minimum-norm attack in audit.json and progress reports. */
  public static final String ATTACK = "fmn";

  private final FmnL2 attack;
  private final int batchSize;

  /**
   * @param attack the minimum-norm attack
   * @param batchSize samples per oracle call
   */
  public SmallestRadiusProbe(FmnL2 attack, int batchSize) {
    this.attack = attack;
    this.batchSize = batchSize;
  }

  /** Oracle calls {@link #run} makes at most on {@code samples} samples. */
  public long maxOracleCalls(int samples) {
    long batches = (samples + batchSize - 1) / batchSize;
    return batches * (attack.maxOracleCalls() + 1);
  }

  /**
   * Runs the minimum-norm attack on the samples correct clean and combines it with the suite.
   *
   * @param suite the ε-attacks' outcome on {@code data}
   * @param gradNorm per sample ‖∇f(x)‖₂, or null (then no Proposition 2 radii)
   * @param hessNorm per sample ‖∇²f(x)‖₂, or null
   */
  public SmallestRadii run(GradientOracle oracle, LabeledData data, AttackSuite.Outcome suite, double[] gradNorm,
      double[] hessNorm, IntConsumer progress) {
    return summarize(measure(oracle, data, 0, suite, gradNorm, hessNorm, progress));
  }

  /**
   * Per-sample figures of consecutive samples of a split, from index {@code firstIndex} on (the
   * minimum-norm attack's random draws are keyed by each sample's index).
   *
   * @param radius per sample, the smallest breaking radius found (0 misclassified clean, +∞ never broken)
   * @param quadraticModelRadius per sample, Proposition 2's radius (NaN where undefined)
   * @param cleanCorrect per sample, classified correctly without attack
   * @param geometry whether gradient and Hessian norms were given
   */
  public record Samples(double[] radius, double[] quadraticModelRadius, boolean[] cleanCorrect, boolean geometry) {
    /** Consecutive ranges joined in order. */
    public static Samples concat(List<Samples> parts) {
      boolean[] correct = new boolean[parts.stream().mapToInt(p -> p.cleanCorrect().length).sum()];
      int at = 0;
      for (Samples p : parts) {
        System.arraycopy(p.cleanCorrect(), 0, correct, at, p.cleanCorrect().length);
        at += p.cleanCorrect().length;
      }
      return new Samples(parts.stream().flatMapToDouble(p -> Arrays.stream(p.radius())).toArray(),
          parts.stream().flatMapToDouble(p -> Arrays.stream(p.quadraticModelRadius())).toArray(), correct,
          parts.stream().allMatch(Samples::geometry));
    }
  }

  /** The per-sample figures on {@code data}, whose first sample has index {@code firstIndex} in its split. */
  public Samples measure(GradientOracle oracle, LabeledData data, long firstIndex, AttackSuite.Outcome suite,
      double[] gradNorm, double[] hessNorm, IntConsumer progress) {
    int n = data.size();
    int d = data.inputs().sampleSize();
    double[] radius = new double[n];
    double[] margin = new double[n];
    Arrays.fill(radius, Double.POSITIVE_INFINITY);
    int[] correct = java.util.stream.IntStream.range(0, n).filter(i -> suite.cleanCorrect()[i]).toArray();
    for (int i = 0; i < n; i++) {
      if (!suite.cleanCorrect()[i]) {
        radius[i] = 0;
      }
    }
    for (int from = 0; from < correct.length; from += batchSize) {
      int[] index = Arrays.copyOfRange(correct, from, Math.min(correct.length, from + batchSize));
      FloatTensor x = data.inputs().select(index);
      int[] y = Labels.select(data.labels(), index);
      ForwardResult clean = oracle.forward(x, y);
      progress.accept(1);
      int k = clean.output().sampleSize();
      long[] streams = new long[index.length];
      for (int r = 0; r < index.length; r++) {
        margin[index[r]] = lossMargin(TargetedDlr.logits(clean.output().data(), r * k, k, y[r], clean.loss()[r]), y[r]);
        streams[r] = firstIndex + index[r];
      }
      FmnL2.Result found = attack.run(oracle, x, y, streams, progress);
      for (int r = 0; r < index.length; r++) {
        radius[index[r]] = found.radius()[r];
      }
    }
    nearerFromSuite(data, suite, radius, d);
    boolean geometry = gradNorm != null && hessNorm != null;
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = suite.cleanCorrect()[i] && geometry ? quadraticModelRadius(gradNorm[i], hessNorm[i], margin[i]) : Double.NaN;
    }
    return new Samples(radius, q, suite.cleanCorrect().clone(), geometry);
  }

  /** The audit.json block from the per-sample figures of a whole split. */
  public SmallestRadii summarize(Samples s) {
    double[] radius = s.radius();
    double[] q = s.quadraticModelRadius();
    int n = radius.length;
    List<Double> perSample = new ArrayList<>();
    for (double r : radius) {
      perSample.add(Double.isFinite(r) ? r : null);
    }
    List<Double> prop2 = new ArrayList<>();
    List<double[]> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prop2.add(Double.isFinite(q[i]) ? q[i] : null);
      if (Double.isFinite(q[i]) && q[i] > 0 && Double.isFinite(radius[i]) && radius[i] > 0) {
        pairs.add(new double[] {q[i], radius[i]});
      }
    }
    Double rho = null;
    if (pairs.size() >= 3) {
      double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray();
      double[] b = pairs.stream().mapToDouble(p -> p[1]).toArray();
      double v = new SpearmansCorrelation().correlation(a, b);
      rho = Double.isFinite(v) ? v : null;
    }
    return new SmallestRadii(ATTACK, attack.steps(), perSample, curve(radius), median(radius, s.cleanCorrect()),
        s.geometry() ? prop2 : null, rho, pairs.size());
  }

  /**
   * Proposition 2's radius: the r ≥ 0 at which the quadratic model's largest loss rise
   * r‖∇f‖(1 + r·C_f) ≈ r‖∇f‖ + r²‖∇²f‖ reaches the rise Δ the sample needs to be misclassified,
   * r = 2Δ / (‖∇f‖ + √(‖∇f‖² + 4‖∇²f‖Δ)); +∞ when both norms are 0, NaN when an input is not
   * finite.
   *
   * @param delta the loss rise needed, {@link #lossMargin}
   */
  public static double quadraticModelRadius(double gradNorm, double hessNorm, double delta) {
    if (!(gradNorm >= 0) || !(hessNorm >= 0) || !(delta >= 0) || !Double.isFinite(gradNorm + hessNorm + delta)) {
      return Double.NaN;
    }
    double den = gradNorm + Math.sqrt(gradNorm * gradNorm + 4 * hessNorm * delta);
    return den > 0 ? 2 * delta / den : Double.POSITIVE_INFINITY;
  }

  /**
   * The cross-entropy rise that takes a correctly classified sample to the decision boundary with
   * its runner-up class c when the other classes' logits keep their offsets to z_y:
   * Δ = ln(1 + p_y − p_c), from the logits z (0 when the sample is not classified as y).
   */
  public static double lossMargin(double[] z, int y) {
    double max = Arrays.stream(z).max().orElseThrow();
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double py = Math.exp(z[y] - max) / sum;
    double pc = 0;
    for (int k = 0; k < z.length; k++) {
      if (k != y) {
        pc = Math.max(pc, Math.exp(z[k] - max) / sum);
      }
    }
    return Math.max(0, Math.log1p(py - pc));
  }

  /** Where the ε-attacks' kept point at the smallest breaking ε is nearer than FMN's, take its norm. */
  private static void nearerFromSuite(LabeledData data, AttackSuite.Outcome suite, double[] radius, int d) {
    for (int i = 0; i < radius.length; i++) {
      if (!suite.cleanCorrect()[i]) {
        continue;
      }
      for (int e = 0; e < suite.eps().size(); e++) {
        if (suite.worstBroken()[e][i]) {
          double r = L2Ball.distance(suite.worstAdversarial().get(e).data(), data.inputs().data(), i * d, d);
          radius[i] = Math.min(radius[i], r);
        }
      }
    }
  }

  /** Robust accuracy against ε implied by the radii, at evenly spaced ε up to the largest finite radius. */
  static List<SmallestRadii.CurvePoint> curve(double[] radius) {
    double top = Arrays.stream(radius).filter(Double::isFinite).max().orElse(0);
    List<SmallestRadii.CurvePoint> out = new ArrayList<>();
    for (int p = 0; p < CURVE_POINTS; p++) {
      double eps = top * p / (CURVE_POINTS - 1);
      int standing = 0;
      for (double r : radius) {
        standing += r > eps ? 1 : 0;
      }
      out.add(new SmallestRadii.CurvePoint(eps, (double) standing / radius.length));
      if (top == 0) {
        break;
      }
    }
    return out;
  }

  /** Median radius over the samples correct clean (+∞ for never broken); null when infinite or none. */
  static Double median(double[] radius, boolean[] cleanCorrect) {
    double[] r = java.util.stream.IntStream.range(0, radius.length).filter(i -> cleanCorrect[i])
        .mapToDouble(i -> radius[i]).sorted().toArray();
    if (r.length == 0) {
      return null;
    }
    double m = r.length % 2 == 1 ? r[r.length / 2] : 0.5 * (r[r.length / 2 - 1] + r[r.length / 2]);
    return Double.isFinite(m) ? m : null;
  }
}
