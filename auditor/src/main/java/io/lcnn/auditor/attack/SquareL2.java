package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Square Attack for the l2 norm (Andriushchenko, Croce, Flammarion &amp; Hein, ECCV 2020), the
 * score-based, gradient-free member of AutoAttack: random search over perturbations made of
 * square windows, using forward passes only, so it also measures models whose gradients are
 * zero, shattered or only available by finite differences.
 *
 * <p>Inputs are read as [B, C, H, W] (rank 3: C = 1; rank 2: C = H = 1). Per sample: the start
 * is a grid of ⌊H/5⌋-sized squares, each a ±1-per-channel multiple of the "meta pseudo-Gaussian"
 * window (two opposite-signed halves whose entries decay as 1/(k+1)² from the centre), scaled to
 * norm ε and clipped to the range. Each query draws a window side s = max(round(√(p·C·H·W/C)), 3)
 * (odd), with p halving on the published schedule (p₀ = 0.8 at query 0, /2 after 10, /4 after 50,
 * … /512 after 8000, per 10,000 queries); a second window of the same size is zeroed and the first
 * replaced by the old content (normalized per channel) plus a fresh signed pseudo-Gaussian window,
 * rescaled per channel to √(max(ε² − ‖δ‖², 0)/C + ‖δ_windows‖²) so that the new δ keeps the
 * budget; the candidate is x + ε·δ/‖δ‖ clipped to the range. A candidate is kept when it lowers
 * the margin z_y − max_{k≠y} z_k of the output row; a sample stops once its margin is ≤ 0.
 *
 * <p>One forward call per query serves every sample still standing: a batch costs at most
 * {@code queries} + 1 forward calls and no gradient calls.
 *
 * @param queries forward queries per sample (AutoAttack's default 5,000)
 * @param pInit initial fraction p₀ of the input changed per query (0.8 for l2 in AutoAttack)
 * @param seed seed of the random search
 * @param range valid input range
 */
public record SquareL2(int queries, double pInit, long seed, InputRange range) implements Attack {

  /** Queries per sample by default. */
  public static final int DEFAULT_QUERIES = 5000;
  /** AutoAttack's p₀ for the l2 Square Attack. */
  public static final double DEFAULT_P_INIT = 0.8;

  /** Checks the settings. */
  public SquareL2 {
    if (queries < 1 || !(pInit > 0 && pInit <= 1)) {
      throw new IllegalArgumentException("Square needs queries >= 1 and p in (0, 1]; got queries=" + queries + " p=" + pInit);
    }
  }

  @Override
  public String name() {
    return "square";
  }

  @Override
  public int maxOracleCalls() {
    return queries + 1;
  }

  @Override
  public AttackOutcome run(GradientOracle oracle, FloatTensor x, int[] labels, double eps, long[] streams, IntConsumer progress) {
    int b = x.batchSize();
    int d = x.sampleSize();
    int[] chw = layout(x.shape());
    int c = chw[0];
    int h = chw[1];
    int w = chw[2];
    SplittableRandom[] rngs = new SplittableRandom[b];
    for (int i = 0; i < b; i++) {
      rngs[i] = Rng.of(seed, eps, streams[i], 0);
    }
    OutcomeTracker tracker = new OutcomeTracker(x);
    float[] x0 = x.data();
    float[] best = new float[x0.length];
    double[] delta = new double[x0.length];
    int sh0 = Math.max(h / 5, 1);
    int sw0 = Math.max(w / 5, 1);
    for (int i = 0; i < b; i++) {
      SplittableRandom rng = rngs[i];
      for (int vh = Math.max((h - 5 * sh0) / 2, 0); vh + sh0 <= h; vh += sh0) {
        for (int vw = Math.max((w - 5 * sw0) / 2, 0); vw + sw0 <= w; vw += sw0) {
          double[] pert = metaPseudoGaussian(sh0, sw0, rng);
          for (int ch = 0; ch < c; ch++) {
            addWindow(delta, i * d + ch * h * w, w, vh, vw, sh0, sw0, pert, rng.nextBoolean() ? 1 : -1);
          }
        }
      }
      toPoint(x0, delta, best, i, d, eps);
    }
    int[] all = java.util.stream.IntStream.range(0, b).toArray();
    ForwardResult f0 = oracle.forward(new FloatTensor(x.shape(), best), labels);
    tracker.observe(best, all, labels, f0);
    progress.accept(1);
    double[] margin = margins(f0, labels, all);
    float[] candidate = new float[d];
    for (int q = 0; q < queries; q++) {
      int[] active = java.util.stream.IntStream.range(0, b).filter(i -> margin[i] > 0).toArray();
      if (active.length == 0) {
        progress.accept(queries - q);
        break;
      }
      double p = pSchedule(q);
      int s = Math.max((int) Math.round(Math.sqrt(p * d / c)), 3);
      if (s % 2 == 0) {
        s++;
      }
      int sh = Math.min(s, h);
      int sw = Math.min(s, w);
      float[] points = new float[active.length * d];
      double[][] proposals = new double[active.length][];
      for (int r = 0; r < active.length; r++) {
        int i = active[r];
        double[] dc = new double[d];
        for (int j = 0; j < d; j++) {
          dc[j] = (double) best[i * d + j] - x0[i * d + j];
        }
        propose(dc, c, h, w, sh, sw, eps, rngs[i]);
        proposals[r] = dc;
        toPoint(x0, i * d, dc, candidate, d, eps);
        System.arraycopy(candidate, 0, points, r * d, d);
      }
      int[] y = Labels.select(labels, active);
      ForwardResult f = oracle.forward(new FloatTensor(shapeOf(x.shape(), active.length), points), y);
      tracker.observe(points, active, labels, f);
      progress.accept(1);
      double[] m = margins(f, y, java.util.stream.IntStream.range(0, active.length).toArray());
      for (int r = 0; r < active.length; r++) {
        int i = active[r];
        if (m[r] < margin[i]) {
          margin[i] = m[r];
          System.arraycopy(points, r * d, best, i * d, d);
        }
      }
    }
    return tracker.outcome(x.shape());
  }

  /** The fraction p of the input changed at query {@code q}, on the published piecewise schedule. */
  double pSchedule(int q) {
    int it = (int) ((long) q * 10000 / queries);
    int[] ends = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
    int k = 0;
    while (k < ends.length && it > ends[k]) {
      k++;
    }
    return pInit / (1 << k);
  }

  /**
   * One random-search proposal on δ (sample-local, [C, H, W]): a new signed pseudo-Gaussian window
   * at a random place, a second window zeroed, the budget restored per channel.
   */
  private static void propose(double[] delta, int c, int h, int w, int sh, int sw, double eps, SplittableRandom rng) {
    int vh = rng.nextInt(h - sh + 1);
    int vw = rng.nextInt(w - sw + 1);
    int vh2 = rng.nextInt(h - sh + 1);
    int vw2 = rng.nextInt(w - sw + 1);
    double normImage = 0;
    for (double v : delta) {
      normImage += v * v;
    }
    double[] pert = metaPseudoGaussian(sh, sw, rng);
    int plane = h * w;
    double[][] fresh = new double[c][sh * sw];
    for (int ch = 0; ch < c; ch++) {
      int base = ch * plane;
      double window = 0;
      double windows = 0;
      for (int a = 0; a < h; a++) {
        for (int bcol = 0; bcol < w; bcol++) {
          boolean in1 = a >= vh && a < vh + sh && bcol >= vw && bcol < vw + sw;
          boolean in2 = a >= vh2 && a < vh2 + sh && bcol >= vw2 && bcol < vw2 + sw;
          double v = delta[base + a * w + bcol];
          if (in1) {
            window += v * v;
          }
          if (in1 || in2) {
            windows += v * v;
          }
        }
      }
      double windowNorm = Math.sqrt(window);
      double sign = rng.nextBoolean() ? 1 : -1;
      double n2 = 0;
      for (int a = 0; a < sh; a++) {
        for (int bcol = 0; bcol < sw; bcol++) {
          double v = sign * pert[a * sw + bcol] + delta[base + (vh + a) * w + vw + bcol] / (1e-12 + windowNorm);
          fresh[ch][a * sw + bcol] = v;
          n2 += v * v;
        }
      }
      double target = Math.sqrt(Math.max(eps * eps - normImage, 0) / c + windows);
      double scale = n2 > 0 ? target / Math.sqrt(n2) : 0;
      for (int k = 0; k < fresh[ch].length; k++) {
        fresh[ch][k] *= scale;
      }
    }
    for (int ch = 0; ch < c; ch++) {
      int base = ch * plane;
      for (int a = 0; a < sh; a++) {
        for (int bcol = 0; bcol < sw; bcol++) {
          delta[base + (vh2 + a) * w + vw2 + bcol] = 0;
        }
      }
      for (int a = 0; a < sh; a++) {
        for (int bcol = 0; bcol < sw; bcol++) {
          delta[base + (vh + a) * w + vw + bcol] = fresh[ch][a * sw + bcol];
        }
      }
    }
  }

  /**
   * The meta pseudo-Gaussian window of the paper, sh × sw, unit l2 norm: the upper half rows hold
   * a centred pseudo-Gaussian rectangle, the lower half the same with opposite sign; for a square
   * window it is transposed with probability ½.
   */
  static double[] metaPseudoGaussian(int sh, int sw, SplittableRandom rng) {
    double[] out = new double[sh * sw];
    int top = sh / 2;
    double[] upper = pseudoGaussianRectangle(top, sw);
    double[] lower = pseudoGaussianRectangle(sh - top, sw);
    System.arraycopy(upper, 0, out, 0, upper.length);
    for (int k = 0; k < lower.length; k++) {
      out[top * sw + k] = -lower[k];
    }
    normalize(out);
    if (sh == sw && rng.nextBoolean()) {
      double[] t = new double[out.length];
      for (int a = 0; a < sh; a++) {
        for (int bcol = 0; bcol < sw; bcol++) {
          t[bcol * sh + a] = out[a * sw + bcol];
        }
      }
      return t;
    }
    return out;
  }

  /** Nested centred rectangles of growing size adding 1/(k+1)², normalized to unit l2 norm. */
  private static double[] pseudoGaussianRectangle(int rows, int cols) {
    double[] out = new double[rows * cols];
    if (out.length == 0) {
      return out;
    }
    int r0 = rows / 2;
    int c0 = cols / 2;
    for (int k = 0; k < Math.max(r0 + 1, c0 + 1); k++) {
      for (int a = Math.max(r0 - k, 0); a < Math.min(r0 - k + 2 * k + 1, rows); a++) {
        for (int bcol = Math.max(c0 - k, 0); bcol < Math.min(c0 - k + 2 * k + 1, cols); bcol++) {
          out[a * cols + bcol] += 1.0 / ((k + 1.0) * (k + 1.0));
        }
      }
    }
    normalize(out);
    return out;
  }

  private static void normalize(double[] v) {
    double s = 0;
    for (double t : v) {
      s += t * t;
    }
    if (s > 0) {
      double inv = 1 / Math.sqrt(s);
      for (int k = 0; k < v.length; k++) {
        v[k] *= inv;
      }
    }
  }

  private static void addWindow(double[] delta, int base, int w, int vh, int vw, int sh, int sw, double[] pert, double sign) {
    for (int a = 0; a < sh; a++) {
      for (int bcol = 0; bcol < sw; bcol++) {
        delta[base + (vh + a) * w + vw + bcol] += sign * pert[a * sw + bcol];
      }
    }
  }

  /** best[i] ← x[i] + ε·δ[i]/‖δ[i]‖, projected onto the ball and the range. */
  private void toPoint(float[] x0, double[] delta, float[] out, int i, int d, double eps) {
    double[] local = java.util.Arrays.copyOfRange(delta, i * d, (i + 1) * d);
    float[] p = new float[d];
    toPoint(x0, i * d, local, p, d, eps);
    System.arraycopy(p, 0, out, i * d, d);
  }

  private void toPoint(float[] x0, int off, double[] delta, float[] out, int d, double eps) {
    double n = 0;
    for (double v : delta) {
      n += v * v;
    }
    double scale = n > 0 ? eps / Math.sqrt(n) : 0;
    for (int j = 0; j < d; j++) {
      out[j] = (float) range.clip(x0[off + j] + scale * delta[j]);
    }
    L2Ball.projectAndClip(x0, off, out, 0, d, eps, range);
  }

  /** Per row r: output[r][y] − max_{k≠y} output[r][k] (logits or probabilities as the model emits). */
  static double[] margins(ForwardResult f, int[] labels, int[] rows) {
    int k = f.output().sampleSize();
    float[] o = f.output().data();
    double[] m = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      int off = rows[r] * k;
      double other = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        if (j != labels[rows[r]]) {
          other = Math.max(other, o[off + j]);
        }
      }
      double v = o[off + labels[rows[r]]] - other;
      m[r] = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }
    return m;
  }

  /** (C, H, W) of a batch shape: rank ≥ 4 reads [B, C, H, W·…], rank 3 [B, H, W], rank 2 [B, D]. */
  static int[] layout(long[] shape) {
    if (shape.length >= 4) {
      long w = 1;
      for (int k = 3; k < shape.length; k++) {
        w *= shape[k];
      }
      return new int[] {(int) shape[1], (int) shape[2], (int) w};
    }
    if (shape.length == 3) {
      return new int[] {1, (int) shape[1], (int) shape[2]};
    }
    return new int[] {1, 1, (int) shape[1]};
  }

  private static long[] shapeOf(long[] shape, int batch) {
    long[] s = shape.clone();
    s[0] = batch;
    return s;
  }
}
