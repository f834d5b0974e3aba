package io.lcnn.auditor.stability;

import io.lcnn.auditor.attack.L2Ball;
import io.lcnn.auditor.geometry.SampleRandom;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.Stats;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Gradient stability under noise (paper Fig. 2): for each sample x, unit direction δ and radius
 * r, the relative gradient change ‖∇f(x + rδ) − ∇f(x)‖₂ / ‖∇f(x)‖₂, reported next to Proposition
 * 1's first-order prediction r·C_f(x). The perturbed point x + rδ is not clipped to the input range
 * (the quantity is a property of f around x, as in the paper).
 *
 * <p>Directions are K random unit vectors per sample (normalized Gaussians), or one given
 * direction per sample (normalized to unit l2 norm). Every direction is evaluated at all radii in
 * one oracle call of R·b rows. Samples whose gradient at x is zero or not finite have no ratio:
 * they are left out of the statistics and read null in {@code perSample}.
 *
 * <p>Float32 gradients carry rounding errors of roughly 1e-6·‖∇f‖, so the plain difference
 * ∇f(x+rδ) − ∇f(x) cannot resolve relative changes much below 1e-4 (at r = 1e-3 a smooth model's
 * change is often ~3e-5). When an {@link HvpOracle} is given, every ratio below
 * {@value #DIRECT_THRESHOLD} is recomputed without cancellation as the integral
 * ∇f(x+rδ) − ∇f(x) = r ∫₀¹ ∇²f(x + t·rδ) δ dt, by 3-point Gauss–Legendre quadrature over exact
 * Hessian-vector products (one oracle call for all such rows); with so small a change the
 * Hessian is nearly constant on the segment and the quadrature is accurate far below 1e-2.
 */
public final class GradientStabilityProbe {
  /** Relative changes below this are recomputed by HVP quadrature when an HVP oracle is given. */
  public static final double DIRECT_THRESHOLD = 1e-3;

  private static final double[] GL_NODES = {0.5 - Math.sqrt(0.15), 0.5, 0.5 + Math.sqrt(0.15)};
  private static final double[] GL_WEIGHTS = {5.0 / 18, 8.0 / 18, 5.0 / 18};

  private final List<Double> radii;
  private final int directions;
  private final long seed;
  private final int batchSize;

  /**
   * @param radii radii r, in input units, ascending
   * @param directions random directions K per sample (used when no directions are given)
   * @param seed seed of the random directions
   * @param batchSize samples per oracle call before multiplying by the number of radii
   */
  public GradientStabilityProbe(List<Double> radii, int directions, long seed, int batchSize) {
    if (radii.isEmpty() || directions < 1 || batchSize < 1) {
      throw new IllegalArgumentException("the stability probe needs radii, directions >= 1 and batch size >= 1");
    }
    this.radii = radii.stream().sorted().toList();
    this.directions = directions;
    this.seed = seed;
    this.batchSize = batchSize;
  }

  /**
   * Measures the relative gradient change.
   *
   * @param data samples with true labels
   * @param curvature per sample C_f(x) from the geometry stage, for the prediction r·C_f(x); may
   *     be null (the prediction is then NaN)
   * @param givenDirections [N, ...] one direction per sample, or null for K random directions
   * @param noiseSource {@code "random"} or the file the directions came from
   * @param progress told the number of oracle calls completed
   */
  public GradientStability run(
      GradientOracle oracle,
      LabeledData data,
      double[] curvature,
      FloatTensor givenDirections,
      String noiseSource,
      IntConsumer progress) {
    return run(oracle, null, data, curvature, givenDirections, noiseSource, progress);
  }

  /**
   * Measures the relative gradient change, resolving small changes with exact HVPs (see the class
   * comment).
   *
   * @param hvp Hessian-vector products of the same model and loss, or null for plain differences
   */
  public GradientStability run(
      GradientOracle oracle,
      HvpOracle hvp,
      LabeledData data,
      double[] curvature,
      FloatTensor givenDirections,
      String noiseSource,
      IntConsumer progress) {
    int n = data.size();
    int d = data.inputs().sampleSize();
    if (givenDirections != null && (givenDirections.batchSize() != n || givenDirections.sampleSize() != d)) {
      throw new IllegalArgumentException(noiseSource + ": needs one direction per sample of shape "
          + Arrays.toString(data.inputs().sampleShape()) + " for " + n + " samples, got shape "
          + Arrays.toString(givenDirections.shape()));
    }
    if (curvature != null && curvature.length != n) {
      throw new IllegalArgumentException("curvature has " + curvature.length + " values for " + n + " samples");
    }
    return summarize(measure(oracle, hvp, data, 0, givenDirections, progress), curvature, noiseSource);
  }

  /**
   * Per-sample ratios of the samples of a split from index {@code firstIndex} on; sample i's
   * random directions are keyed by the seed, its index and the direction number.
   *
   * @param givenDirections [N, ...] one direction per sample of {@code data}, or null
   */
  public Samples measure(
      GradientOracle oracle, HvpOracle hvp, LabeledData data, long firstIndex, FloatTensor givenDirections,
      IntConsumer progress) {
    int n = data.size();
    int d = data.inputs().sampleSize();
    int k = givenDirections == null ? directions : 1;
    int nr = radii.size();
    double[][][] ratios = new double[n][nr][k];
    boolean[] defined = new boolean[n];
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      int b = to - from;
      FloatTensor x = data.inputs().slice(from, to);
      int[] y = Arrays.copyOfRange(data.labels(), from, to);
      float[] g0 = oracle.gradient(x, y).gradient().data();
      progress.accept(1);
      double[] g0norm = new double[b];
      for (int i = 0; i < b; i++) {
        g0norm[i] = L2Ball.norm(g0, i * d, d);
        defined[from + i] = g0norm[i] > 0 && Double.isFinite(g0norm[i]);
      }
      int[] yy = new int[b * nr];
      for (int r = 0; r < nr; r++) {
        System.arraycopy(y, 0, yy, r * b, b);
      }
      for (int dir = 0; dir < k; dir++) {
        float[] delta = new float[b * d];
        for (int i = 0; i < b; i++) {
          if (givenDirections == null) {
            L2Ball.unitDirection(SampleRandom.of(seed, firstIndex + from + i, dir), delta, i * d, d);
          } else {
            double len = L2Ball.norm(givenDirections.data(), (from + i) * d, d);
            for (int j = 0; j < d; j++) {
              delta[i * d + j] = (float) (givenDirections.data()[(from + i) * d + j] / len);
            }
          }
        }
        float[] shifted = new float[nr * b * d];
        for (int r = 0; r < nr; r++) {
          double rad = radii.get(r);
          for (int t = 0; t < b * d; t++) {
            shifted[r * b * d + t] = (float) (x.data()[t] + rad * delta[t]);
          }
        }
        long[] shape = x.shape().clone();
        shape[0] = (long) nr * b;
        float[] g = oracle.gradient(new FloatTensor(shape, shifted), yy).gradient().data();
        progress.accept(1);
        double[][] ratio = new double[nr][b];
        List<int[]> small = new ArrayList<>();
        for (int r = 0; r < nr; r++) {
          for (int i = 0; i < b; i++) {
            if (!defined[from + i]) {
              continue;
            }
            double s = 0;
            int off = (r * b + i) * d;
            for (int j = 0; j < d; j++) {
              double t = (double) g[off + j] - g0[i * d + j];
              s += t * t;
            }
            ratio[r][i] = Math.sqrt(s) / g0norm[i];
            if (hvp != null && !(ratio[r][i] >= DIRECT_THRESHOLD)) {
              small.add(new int[] {r, i});
            }
          }
        }
        if (!small.isEmpty()) {
          integrate(hvp, x, y, delta, g0norm, small, ratio, d);
          progress.accept(1);
        }
        for (int r = 0; r < nr; r++) {
          for (int i = 0; i < b; i++) {
            ratios[from + i][r][dir] = defined[from + i] ? ratio[r][i] : Double.NaN;
          }
        }
      }
    }
    return new Samples(k, ratios, defined);
  }

  /**
   * The stability block of the per-sample ratios of a whole split (samples in split order).
   *
   * @param curvature per sample C_f(x), or null
   */
  public GradientStability summarize(Samples samples, double[] curvature, String noiseSource) {
    int n = samples.defined().length;
    int k = samples.directions();
    int nr = radii.size();
    boolean[] defined = samples.defined();
    List<GradientStability.RadiusStability> out = new ArrayList<>();
    for (int r = 0; r < nr; r++) {
      double rad = radii.get(r);
      List<Double> perSample = new ArrayList<>();
      List<Double> pooled = new ArrayList<>();
      double predicted = 0;
      int counted = 0;
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int dir = 0; dir < k && defined[i]; dir++) {
          sum += samples.ratios()[i][r][dir];
          pooled.add(samples.ratios()[i][r][dir]);
        }
        perSample.add(defined[i] ? sum / k : null);
        if (defined[i] && curvature != null && Double.isFinite(curvature[i])) {
          predicted += rad * curvature[i];
          counted++;
        }
      }
      Stats s = Stats.of(pooled.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray());
      out.add(new GradientStability.RadiusStability(
          rad, s.mean(), s.median(), s.p90(), counted == 0 ? Double.NaN : predicted / counted, perSample));
    }
    return new GradientStability(k, noiseSource, out);
  }

  /**
   * Per-sample relative gradient changes.
   *
   * @param directions directions per sample (K, or 1 with given directions)
   * @param ratios [sample][radius][direction] relative change; NaN where undefined
   * @param defined per sample, whether its gradient at x is nonzero and finite
   */
  public record Samples(int directions, double[][][] ratios, boolean[] defined) {
    /** Consecutive ranges of one split joined in order. */
    public static Samples concat(List<Samples> parts) {
      int n = parts.stream().mapToInt(p -> p.defined().length).sum();
      double[][][] r = new double[n][][];
      boolean[] def = new boolean[n];
      int at = 0;
      for (Samples p : parts) {
        System.arraycopy(p.ratios(), 0, r, at, p.defined().length);
        System.arraycopy(p.defined(), 0, def, at, p.defined().length);
        at += p.defined().length;
      }
      return new Samples(parts.get(0).directions(), r, def);
    }
  }

  /** Replaces ratio[r][i] for the listed (r, i) by r‖∫₀¹ H(x + t·rδ)δ dt‖ / ‖∇f(x)‖. */
  private void integrate(
      HvpOracle hvp, FloatTensor x, int[] y, float[] delta, double[] g0norm, List<int[]> small, double[][] ratio, int d) {
    int q = GL_NODES.length;
    int rows = small.size() * q;
    float[] points = new float[rows * d];
    float[] dirs = new float[rows * d];
    int[] labels = new int[rows];
    for (int s = 0; s < small.size(); s++) {
      int r = small.get(s)[0];
      int i = small.get(s)[1];
      double rad = radii.get(r);
      for (int k = 0; k < q; k++) {
        int row = s * q + k;
        labels[row] = y[i];
        for (int j = 0; j < d; j++) {
          points[row * d + j] = (float) (x.data()[i * d + j] + GL_NODES[k] * rad * delta[i * d + j]);
          dirs[row * d + j] = delta[i * d + j];
        }
      }
    }
    long[] shape = x.shape().clone();
    shape[0] = rows;
    float[] hv = hvp.hvp(new FloatTensor(shape, points), labels, new FloatTensor(shape.clone(), dirs)).data();
    for (int s = 0; s < small.size(); s++) {
      int r = small.get(s)[0];
      int i = small.get(s)[1];
      double norm2 = 0;
      for (int j = 0; j < d; j++) {
        double v = 0;
        for (int k = 0; k < q; k++) {
          v += GL_WEIGHTS[k] * hv[(s * q + k) * d + j];
        }
        norm2 += v * v;
      }
      ratio[r][i] = radii.get(r) * Math.sqrt(norm2) / g0norm[i];
    }
  }
}
