package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.oracle.InputScale;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.result.Stats;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the oracles in use on a few samples and says whether they can be trusted. Along each
 * sample's normalized gradient direction d (where both sides are large, so float32 noise matters
 * least) it compares ∇f·d = ‖∇f‖ with the loss's central difference (f(x+hd) − f(x−hd))/2h, and
 * H·d with the central difference of gradients (∇f(x+hd) − ∇f(x−hd))/2h, each at four steps h,
 * h/8, h/64, h/512. On a piecewise-linear model (ReLU, max-pool, Clip ...) a step that crosses a kink
 * measures a secant, not a derivative, so a central difference only counts where it is stable: a
 * sample agrees when some step agrees within {@value #AGREE}; it disagrees only when two
 * consecutive steps agree with each other within {@value #AGREE} and both differ from the oracle
 * by more than ten times that; otherwise it is inconclusive (the steps cross kinks). Exact HVPs are
 * also checked for the symmetry w·(Hv) = v·(Hw) of a Hessian on random unit v, w, which holds at
 * kinks too; an asymmetry above {@value #SYMMETRY_TOLERANCE} is a disagreement.
 */
public final class SelfChecker {
  /** Relative difference within which two estimates agree. */
  public static final double AGREE = 1e-2;

  /** Largest |w·(Hv) − v·(Hw)| / max(‖Hv‖, ‖Hw‖) of exact HVPs counted as symmetric. */
  public static final double SYMMETRY_TOLERANCE = 1e-3;

  /** Op types whose derivatives jump (piecewise-linear or max-like). */
  public static final Set<String> KINKED_OPS = Set.of("Relu", "LeakyRelu", "PRelu", "MaxPool", "GlobalMaxPool",
      "Clip", "Abs", "Max", "Min", "HardSigmoid", "HardSwish", "ThresholdedRelu", "ReduceMax", "ReduceMin", "Shrink");

  /** Per-coordinate jitter, relative to the input scale, of the point checked on piecewise-linear models. */
  public static final double JITTER = 1e-3;

  /** Step factors tried, applied to the base step. */
  private static final double[] FACTORS = {1, 1.0 / 8, 1.0 / 64, 1.0 / 512};

  private enum Outcome { AGREE, DISAGREE, INCONCLUSIVE }

  private final double gradientStep;
  private final Map<String, Integer> kinked = new TreeMap<>();
  private final boolean piecewiseLinear;

  /** @param gradientStep the base directional step of the gradient check, relative to the input scale */
  public SelfChecker(double gradientStep) {
    this(gradientStep, Map.of());
  }

  /**
   * @param gradientStep the base directional step of the gradient check, relative to the input scale
   * @param opHistogram the model's node count per op type (to name its kinked ops)
   */
  public SelfChecker(double gradientStep, Map<String, Integer> opHistogram) {
    this(gradientStep, opHistogram, null);
  }

  /**
   * @param gradientStep the base directional step of the gradient check, relative to the input scale
   * @param opHistogram the model's node count per op type (to name its kinked ops)
   * @param kind what the oracles' outputs hold; with {@link OutputKind#LOGITS} a model made only
   *     of piecewise-linear and affine ops is checked through its logits ({@link LogitLinearization})
   */
  public SelfChecker(double gradientStep, Map<String, Integer> opHistogram, OutputKind kind) {
    this.gradientStep = gradientStep;
    opHistogram.forEach((op, n) -> {
      if (KINKED_OPS.contains(op)) {
        kinked.put(op, n);
      }
    });
    this.piecewiseLinear = kind == OutputKind.LOGITS && !kinked.isEmpty()
        && LogitLinearization.PIECEWISE_LINEAR.containsAll(opHistogram.keySet());
  }

  /**
   * @param gradient gradient oracle in use
   * @param hvp HVP oracle in use
   * @param hvpStep relative step of the finite-difference HVP in use (0 when the HVP is exact)
   * @param x the samples to check [k, ...]
   * @param labels their labels
   */
  public SelfCheck check(GradientOracle gradient, HvpOracle hvp, double hvpStep, FloatTensor x0, int[] labels) {
    int k = x0.batchSize();
    int d = x0.sampleSize();
    FloatTensor x = kinked.isEmpty() ? x0 : jitter(x0);
    double gradientStep = kinked.isEmpty() ? this.gradientStep : this.gradientStep * JITTER / 1e-2;
    io.lcnn.auditor.oracle.GradientResult at = gradient.gradient(x, labels);
    float[] g = at.gradient().data();
    float[] loss = at.loss();
    float[] dir = new float[k * d];
    double[] gradNorm = new double[k];
    for (int i = 0; i < k; i++) {
      gradNorm[i] = norm(g, i * d, d);
      for (int j = 0; j < d; j++) {
        dir[i * d + j] = gradNorm[i] > 0 ? (float) (g[i * d + j] / gradNorm[i]) : 0f;
      }
    }
    FloatTensor direction = new FloatTensor(x.shape().clone(), dir);
    double[][] gradErr = new double[k][FACTORS.length];
    double[][] gradBetween = new double[k][FACTORS.length - 1];
    boolean[][] gradSmooth = new boolean[k][FACTORS.length];
    boolean hvpIsFd = hvpStep > 0;
    boolean linearized = piecewiseLinear && !hvpIsFd;
    if (!linearized) {
      directionalGradientCheck(gradient, gradientStep, x, labels, loss, direction, gradNorm, gradErr, gradBetween,
          gradSmooth);
    }

    double base = hvpIsFd ? 2 * hvpStep : FiniteDifferenceHvpOracle.defaultStepFor(gradient);
    float[] a = hvp.hvp(x, labels, direction).data();
    double[][] hvpErr = new double[k][hvpIsFd ? 1 : FACTORS.length];
    double[][] hvpBetween = new double[k][hvpIsFd ? 0 : FACTORS.length - 1];
    double[][] steps = new double[k][hvpErr[0].length];
    boolean[][] hvpSmooth = new boolean[k][hvpErr[0].length];
    if (linearized) {
      double[] dHd = new double[k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < d; j++) {
          dHd[i] += (double) dir[i * d + j] * a[i * d + j];
        }
        for (int s = 0; s < FACTORS.length; s++) {
          steps[i][s] = base * FACTORS[s] * InputScale.of(x.data(), i * d, d);
        }
      }
      LogitLinearization lin = new LogitLinearization(gradient, x, labels, at.output().data(), direction, gradNorm,
          dHd, steps);
      gradErr = lin.gradient().err();
      gradBetween = lin.gradient().between();
      gradSmooth = lin.gradient().smooth();
      hvpErr = lin.hvp().err();
      hvpBetween = lin.hvp().between();
      hvpSmooth = lin.hvp().smooth();
    }
    float[] previous = null;
    for (int s = 0; s < (linearized ? 0 : hvpErr[0].length); s++) {
      FiniteDifferenceHvpOracle reference = new FiniteDifferenceHvpOracle(gradient, base * FACTORS[s]);
      float[] b;
      if (hvpIsFd) {
        b = reference.hvp(x, labels, direction).data();
      } else {
        b = new float[k * d];
        for (int i = 0; i < k; i++) {
          steps[i][s] = reference.step(x, i, 1.0);
        }
        float[][] pm = gradientsAround(gradient, x, labels, direction, steps, s);
        for (int i = 0; i < k; i++) {
          double second = 0;
          double first = 0;
          for (int j = 0; j < d; j++) {
            int q = i * d + j;
            double diff = (double) pm[0][q] - pm[1][q];
            b[q] = (float) (diff / (2 * steps[i][s]));
            first += diff * diff;
            double curv = (double) pm[0][q] - 2.0 * g[q] + pm[1][q];
            second += curv * curv;
          }
          hvpSmooth[i][s] = Math.sqrt(second) <= AGREE * Math.sqrt(first);
        }
      }
      for (int i = 0; i < k; i++) {
        hvpErr[i][s] = relative(b, a, i * d, d);
        steps[i][s] = reference.step(x, i, 1.0);
        if (previous != null) {
          hvpBetween[i][s - 1] = relative(previous, b, i * d, d);
        }
      }
      previous = b;
    }
    double[] asymmetry = hvpIsFd ? null : asymmetry(hvp, x, labels);

    double[] bestHvp = new double[k];
    double[] bestGrad = new double[k];
    double[] bestStep = new double[k];
    Outcome[] gradOutcome = new Outcome[k];
    Outcome[] hvpOutcome = new Outcome[k];
    for (int i = 0; i < k; i++) {
      int s = argmin(hvpErr[i]);
      bestHvp[i] = hvpErr[i][s];
      bestStep[i] = steps[i][s];
      bestGrad[i] = min(gradErr[i]);
      gradOutcome[i] = classify(gradErr[i], gradBetween[i], gradSmooth[i]);
      hvpOutcome[i] = hvpIsFd ? (hvpErr[i][0] <= 5 * AGREE ? Outcome.AGREE : kinked.isEmpty() ? Outcome.DISAGREE
          : Outcome.INCONCLUSIVE) : classify(hvpErr[i], hvpBetween[i], hvpSmooth[i]);
    }
    Stats r = Stats.of(bestHvp);
    String kinks = kinkNames();
    String note = linearized
        ? "piecewise-linear model (" + kinks + ") with logit outputs: exact ∇f·d and d·(Hd) vs sᵀ(Jd) and (Jd)ᵀS(Jd)"
            + " with Jd from central differences of the logits (relative steps " + base + ", /8, /64, /512) at x"
            + " moved by ±" + JITTER + " of its scale per coordinate (off ties), where a crossed kink only bends a"
            + " secant; and the symmetry w·(Hv) = v·(Hw) of exact H·v"
        : (hvpIsFd
        ? "finite-difference HVP (relative step " + hvpStep + ") vs finite-difference HVP with twice the step"
        : "exact HVP vs central differences of exact gradients (relative steps " + base + ", /8, /64, /512) and the symmetry"
            + " w·(Hv) = v·(Hw)")
        + "; " + gradient.mode() + " gradient vs central differences of the loss, along the normalized gradient"
        + (kinks.isEmpty() ? "" : "; the model is piecewise-linear (" + kinks + "): checked at x moved by ±" + JITTER
            + " of its scale per coordinate to step off ties, with steps below that, and a central difference counts"
            + " only where it is stable under refinement (a step that crosses a kink measures a secant)");
    String[] verdict = verdict(gradOutcome, hvpOutcome, gradErr, hvpErr, hvpBetween, hvpSmooth, asymmetry, hvpIsFd);
    return new SelfCheck(k, r.max(), r.median(), Stats.of(bestGrad).max(), Stats.of(bestStep).median(), note,
        verdict[0], verdict[1], asymmetry == null ? null : Stats.of(asymmetry).max());
  }

  /**
   * Per-sample outcome from relative errors at each step, between consecutive steps, and whether
   * each step's one-sided differences agree (no kink inside the step).
   */
  private static Outcome classify(double[] err, double[] between, boolean[] smooth) {
    if (err[argmin(err)] <= AGREE) {
      return Outcome.AGREE;
    }
    return stableStep(err, between, smooth) >= 0 ? Outcome.DISAGREE : Outcome.INCONCLUSIVE;
  }

  /**
   * The first step s where steps s and s+1 are kink-free, agree with each other within
   * {@link #AGREE} and both differ from the oracle by more than ten times that; −1 when none.
   */
  private static int stableStep(double[] err, double[] between, boolean[] smooth) {
    for (int s = 0; s < between.length; s++) {
      if (smooth[s] && smooth[s + 1] && between[s] <= AGREE && err[s] > 10 * AGREE && err[s + 1] > 10 * AGREE) {
        return s;
      }
    }
    return -1;
  }

  private String[] verdict(Outcome[] grad, Outcome[] hvp, double[][] gradErr, double[][] hvpErr, double[][] hvpBetween,
      boolean[][] hvpSmooth, double[] asymmetry, boolean hvpIsFd) {
    int k = grad.length;
    if (asymmetry != null) {
      for (int i = 0; i < k; i++) {
        if (asymmetry[i] > SYMMETRY_TOLERANCE) {
          return new String[] {"disagree", String.format(Locale.ROOT, "sample %d: the exact H·v is not symmetric"
              + " (|w·Hv − v·Hw| = %.2g of ‖Hv‖ for random unit v, w), which no Hessian allows: an HVP rule is wrong",
              i, asymmetry[i])};
        }
      }
    }
    for (int i = 0; i < k; i++) {
      if (grad[i] == Outcome.DISAGREE) {
        return new String[] {"disagree", String.format(Locale.ROOT, "sample %d: central differences of the loss agree"
            + " with each other across steps but differ from the gradient by %.2g (relative)", i, min(gradErr[i]))};
      }
      if (hvp[i] == Outcome.DISAGREE) {
        return new String[] {"disagree", hvpIsFd
            ? String.format(Locale.ROOT, "sample %d: finite-difference H·v changes by %.2g when the step doubles",
                i, hvpErr[i][0])
            : String.format(Locale.ROOT, "sample %d: the central-difference reference agrees with itself across"
                + " kink-free steps (%.2g) but differs from the exact H·v by %.2g (relative)", i,
                hvpBetween[i][stableStep(hvpErr[i], hvpBetween[i], hvpSmooth[i])],
                hvpErr[i][stableStep(hvpErr[i], hvpBetween[i], hvpSmooth[i])])};
      }
    }
    int both = 0;
    for (int i = 0; i < k; i++) {
      if (grad[i] == Outcome.AGREE && hvp[i] == Outcome.AGREE) {
        both++;
      }
    }
    String symmetric = asymmetry == null ? "" : String.format(Locale.ROOT, "; exact H·v symmetric to %.1g",
        Stats.of(asymmetry).max());
    if (both == k) {
      return new String[] {"agree", "gradient and H·v agree with central differences on all " + k + " samples"
          + symmetric};
    }
    String why = kinked.isEmpty() ? "the central differences do not settle as the step shrinks"
        : "the steps tried cross kinks of " + kinkNames();
    if (both > 0) {
      return new String[] {"agree", "gradient and H·v agree with central differences on " + both + " of " + k
          + " samples and disagree on none; on the others " + why + symmetric};
    }
    return new String[] {"inconclusive", "no sample could be checked by central differences: " + why + symmetric
        + (asymmetry == null ? "" : " (a necessary property, not a proof)")};
  }

  /** |w·(Hv) − v·(Hw)| / max(‖Hv‖, ‖Hw‖) per sample for random unit v, w (one HVP call on 2k rows). */
  private static double[] asymmetry(HvpOracle hvp, FloatTensor x, int[] labels) {
    int k = x.batchSize();
    int d = x.sampleSize();
    Random rnd = new Random(0x5E1F);
    float[] vw = new float[2 * k * d];
    for (int i = 0; i < 2 * k; i++) {
      double n = 0;
      for (int j = 0; j < d; j++) {
        vw[i * d + j] = (float) rnd.nextGaussian();
        n += (double) vw[i * d + j] * vw[i * d + j];
      }
      for (int j = 0; j < d; j++) {
        vw[i * d + j] = (float) (vw[i * d + j] / Math.sqrt(n));
      }
    }
    int[] pick = new int[2 * k];
    int[] twice = new int[2 * k];
    for (int i = 0; i < 2 * k; i++) {
      pick[i] = i % k;
      twice[i] = labels[i % k];
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * k;
    float[] h = hvp.hvp(x.select(pick), twice, new FloatTensor(shape, vw)).data();
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      int v = i * d;
      int w = (k + i) * d;
      double whv = 0;
      double vhw = 0;
      for (int j = 0; j < d; j++) {
        whv += (double) vw[w + j] * h[v + j];
        vhw += (double) vw[v + j] * h[w + j];
      }
      double scale = Math.max(norm(h, v, d), norm(h, w, d));
      out[i] = scale > 0 ? Math.abs(whv - vhw) / scale : 0;
    }
    return out;
  }

  /**
   * x moved by a seeded uniform ±{@value #JITTER}·scale per coordinate: at the audited point of a
   * piecewise-linear model values often tie (equal entries of a max-pool window over a flat
   * background, ReLU inputs at exactly 0), so the function has a kink at x itself and no step is
   * small enough; the jittered point is off those ties, and the steps are below the jitter.
   */
  private static FloatTensor jitter(FloatTensor x) {
    int d = x.sampleSize();
    float[] v = x.data().clone();
    Random rnd = new Random(0x7177E);
    for (int i = 0; i < x.batchSize(); i++) {
      double scale = InputScale.of(x.data(), i * d, d);
      for (int j = 0; j < d; j++) {
        v[i * d + j] += (float) (JITTER * scale * (2 * rnd.nextDouble() - 1));
      }
    }
    return new FloatTensor(x.shape().clone(), v);
  }

  /** Gradients at x + h_i d_i and x − h_i d_i (h_i = steps[i][s]) in one call: {plus, minus}. */
  private static float[][] gradientsAround(GradientOracle gradient, FloatTensor x, int[] labels, FloatTensor direction,
      double[][] steps, int s) {
    int k = x.batchSize();
    int d = x.sampleSize();
    float[] rows = new float[2 * k * d];
    int[] rowLabels = new int[2 * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < d; j++) {
        rows[i * d + j] = (float) (x.data()[i * d + j] + steps[i][s] * direction.data()[i * d + j]);
        rows[(k + i) * d + j] = (float) (x.data()[i * d + j] - steps[i][s] * direction.data()[i * d + j]);
      }
      rowLabels[i] = labels[i];
      rowLabels[k + i] = labels[i];
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * k;
    float[] gs = gradient.gradient(new FloatTensor(shape, rows), rowLabels).gradient().data();
    return new float[][] {java.util.Arrays.copyOfRange(gs, 0, k * d), java.util.Arrays.copyOfRange(gs, k * d, 2 * k * d)};
  }

  private static void directionalGradientCheck(GradientOracle gradient, double gradientStep, FloatTensor x,
      int[] labels, float[] loss, FloatTensor direction, double[] gradNorm, double[][] err, double[][] between,
      boolean[][] smooth) {
    int k = x.batchSize();
    int d = x.sampleSize();
    int n = FACTORS.length;
    float[] xs = x.data();
    float[] dir = direction.data();
    float[] pert = new float[2 * n * k * d];
    int[] pertLabels = new int[2 * n * k];
    double[][] h = new double[k][n];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < k; i++) {
        h[i][s] = gradientStep * FACTORS[s] * InputScale.of(xs, i * d, d);
        int plus = (2 * s * k + i) * d;
        int minus = ((2 * s + 1) * k + i) * d;
        for (int j = 0; j < d; j++) {
          pert[plus + j] = (float) (xs[i * d + j] + h[i][s] * dir[i * d + j]);
          pert[minus + j] = (float) (xs[i * d + j] - h[i][s] * dir[i * d + j]);
        }
        pertLabels[2 * s * k + i] = labels[i];
        pertLabels[(2 * s + 1) * k + i] = labels[i];
      }
    }
    long[] shape = x.shape().clone();
    shape[0] = 2L * n * k;
    float[] f = gradient.forward(new FloatTensor(shape, pert), pertLabels).loss();
    for (int i = 0; i < k; i++) {
      double prev = Double.NaN;
      for (int s = 0; s < n; s++) {
        double fd = ((double) f[2 * s * k + i] - f[(2 * s + 1) * k + i]) / (2 * h[i][s]);
        double curvature = (double) f[2 * s * k + i] - 2.0 * loss[i] + f[(2 * s + 1) * k + i];
        smooth[i][s] = Math.abs(curvature) <= AGREE * Math.abs(fd * 2 * h[i][s]);
        err[i][s] = Math.abs(gradNorm[i] - fd) / Math.max(gradNorm[i], 1e-30);
        if (s > 0) {
          between[i][s - 1] = Math.abs(fd - prev) / Math.max(Math.abs(fd), 1e-30);
        }
        prev = fd;
      }
    }
  }

  private String kinkNames() {
    StringBuilder sb = new StringBuilder();
    kinked.forEach((op, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(op).append(" ×").append(n));
    return sb.toString();
  }

  /** ‖a − b‖ / ‖b‖ over one sample, where b is the oracle's value. */
  private static double relative(float[] a, float[] b, int offset, int d) {
    double num = 0;
    double den = 0;
    for (int j = 0; j < d; j++) {
      double diff = (double) a[offset + j] - b[offset + j];
      num += diff * diff;
      den += (double) b[offset + j] * b[offset + j];
    }
    return den > 0 ? Math.sqrt(num / den) : (num > 0 ? Double.POSITIVE_INFINITY : 0);
  }

  private static double norm(float[] v, int offset, int d) {
    double n = 0;
    for (int j = 0; j < d; j++) {
      n += (double) v[offset + j] * v[offset + j];
    }
    return Math.sqrt(n);
  }

  private static int argmin(double[] v) {
    int m = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] < v[m]) {
        m = i;
      }
    }
    return m;
  }

  private static double min(double[] v) {
    return v.length == 0 ? Double.NaN : v[argmin(v)];
  }
}
