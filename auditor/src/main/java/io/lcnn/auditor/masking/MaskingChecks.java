package io.lcnn.auditor.masking;

import io.lcnn.auditor.attack.Attack;
import io.lcnn.auditor.attack.AttackOutcome;
import io.lcnn.auditor.attack.AttackSuite;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.L2Ball;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.attack.RandomNoiseL2;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Checks for gradient masking (Athalye et al. 2018; Carlini et al. 2019): signs that an attack
 * reports robustness the model does not have because its gradients are useless. Each check
 * yields a {@link MaskingCheck} with its figure, threshold and one sentence of why it matters.
 *
 * <p>The comparisons between attacks run on the first {@code maskingSamples} samples at the
 * largest ε. An attack is "at least as strong" as another on a sample when it broke the sample,
 * or neither broke it and its kept loss is at least the other's (less a 1% relative tolerance);
 * the comparison figure is the share of clean-correct samples where this holds.
 */
public final class MaskingChecks {
  /** Largest share of zero or non-finite gradients that passes. */
  public static final double MAX_BAD_GRADIENT_SHARE = 0.05;
  /** Largest share of saturated probability outputs that passes. */
  public static final double MAX_SATURATED_SHARE = 0.05;
  /** Largest relative difference between two identical forward passes that passes. */
  public static final double MAX_FORWARD_DIFFERENCE = 1e-5;
  /** Smallest share of samples on which PGD must be at least as strong as a baseline. */
  public static final double MIN_DOMINANCE_SHARE = 0.9;
  /** Largest accuracy at the large ε that passes ("near zero"). */
  public static final double MAX_LARGE_EPS_ACCURACY = 0.1;
  /** Smallest median share of the quadratic model's loss rise PGD must reach. */
  public static final double MIN_LOSS_RISE_SHARE = 0.25;

  private final RobustnessSettings settings;
  private final InputRange range;

  /**
   * @param settings the probe settings (attack choice, steps, restarts, ε, large-ε factor,
   *     masking samples, batch size, seed)
   * @param range the resolved input range
   */
  public MaskingChecks(RobustnessSettings settings, InputRange range) {
    this.settings = settings;
    this.range = range;
  }

  /**
   * Runs every check.
   *
   * @param data the attacked samples
   * @param main the attack suite's outcome on {@code data}
   * @param gradNorm per sample ‖∇f(x)‖₂ of {@code data} from the geometry stage, or null to skip
   *     the quadratic-model check
   * @param hessNorm per sample ‖∇²f(x)‖₂ of {@code data}, or null to skip that check
   * @param progress told the number of oracle calls completed
   */
  public List<MaskingCheck> run(
      GradientOracle oracle,
      LabeledData data,
      AttackSuite.Outcome main,
      double[] gradNorm,
      double[] hessNorm,
      IntConsumer progress) {
    List<MaskingCheck> out = new ArrayList<>();
    LabeledData sub = data.head(settings.maskingSamples());
    out.add(monotone(main));
    if (main.brokenByAttack().containsKey("square")) {
      out.add(gradientFreeBeatsWhiteBox(main));
    }
    out.add(finiteGradients(oracle, sub, progress));
    out.add(logitOutputs(oracle, sub, progress));
    out.add(deterministic(oracle, sub, progress));

    double eps = settings.maxEps();
    List<Attack> attacks = settings.attack().gradientAttacks(settings, range);
    double[] strength = strength(oracle, sub, attacks, eps, progress);
    double[] noise = strength(oracle, sub, List.of(new RandomNoiseL2(settings.steps(), settings.seed() + 7, range)), eps, progress);
    double[] oneStep = strength(oracle, sub, List.of(PgdL2.oneStep(range)), eps, progress);
    boolean[] correct = cleanCorrect(oracle, sub, progress);
    double noiseShare = dominance(strength, noise, correct);
    out.add(new MaskingCheck("pgd-beats-random-noise", noiseShare >= MIN_DOMINANCE_SHARE, noiseShare, MIN_DOMINANCE_SHARE,
        "Share of samples on which the gradient attack at ε=" + eps + " did at least as well as " + settings.steps()
            + " random points of the same norm; a gradient attack no better than noise is not using the gradient."));
    double stepShare = dominance(strength, oneStep, correct);
    out.add(new MaskingCheck("pgd-beats-one-step", stepShare >= MIN_DOMINANCE_SHARE, stepShare, MIN_DOMINANCE_SHARE,
        "Share of samples on which the iterative attack at ε=" + eps
            + " did at least as well as a single normalized-gradient step of the same norm; if many steps lose to one, the loss surface is obstructing the attack."));

    RobustnessSettings stronger = settings.withSteps(2 * settings.steps()).withSeed(settings.seed() + 1);
    double accMain = accuracy(strength, correct);
    double accStrong = accuracy(strength(oracle, sub, stronger.attack().gradientAttacks(stronger, range), eps, progress), correct);
    double tolerance = Math.max(0.01, 1.0 / sub.size());
    out.add(new MaskingCheck("more-steps-no-higher-accuracy", accStrong - accMain <= tolerance + 1e-9, accStrong - accMain, tolerance,
        "Accuracy with twice the steps (" + stronger.steps() + ") minus accuracy with " + settings.steps()
            + " at ε=" + eps + "; a stronger attack that finds fewer adversarial examples points to a noisy or obstructed loss surface."));

    double large = largeEps(settings, range, sub.inputs().sampleSize());
    double accLarge = accuracy(strength(oracle, sub, attacks, large, progress), correct);
    out.add(new MaskingCheck("large-eps-accuracy-near-zero", accLarge <= MAX_LARGE_EPS_ACCURACY, accLarge, MAX_LARGE_EPS_ACCURACY,
        "Accuracy under attack at the large ε=" + String.format(java.util.Locale.ROOT, "%.4g", large)
            + "; a model that stays accurate under a very large perturbation is hiding its gradient rather than robust."));

    if (gradNorm != null && hessNorm != null) {
      out.add(lossRise(oracle, data, main, gradNorm, hessNorm, progress));
    }
    return out;
  }

  /**
   * The radius of the large-ε check: {@code largeEpsFactor} × the largest ε, but at least 0.15 of the
   * input box's diameter (hi − lo)·√d, since on image-sized inputs 5 × 0.2 is still a
   * small l2 perturbation (the fixture mlp_softplus keeps 46% accuracy at ε = 1 under PGD).
   *
   * @param d values per sample
   */
  public static double largeEps(RobustnessSettings settings, InputRange range, int d) {
    return Math.max(settings.largeEpsFactor() * settings.maxEps(), 0.15 * (range.hi() - range.lo()) * Math.sqrt(d));
  }

  private MaskingCheck monotone(AttackSuite.Outcome main) {
    List<Double> eps = main.eps();
    Integer[] order = new Integer[eps.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(eps.get(a), eps.get(b)));
    double rise = 0;
    List<String> series = new ArrayList<>(main.brokenByAttack().keySet());
    series.add(null);
    for (String s : series) {
      double prev = main.cleanAccuracy();
      for (int e : order) {
        double acc = s == null ? main.worstCaseAccuracy(e) : main.accuracy(s, e);
        rise = Math.max(rise, acc - prev);
        prev = acc;
      }
    }
    double tolerance = Math.max(0.01, 1.0 / main.samples());
    return new MaskingCheck("accuracy-monotone-in-eps", rise <= tolerance + 1e-9, rise, tolerance,
        "Largest rise of robust accuracy from one ε to the next larger one (clean accuracy first); accuracy that rises with the budget means the attack failed where a weaker one succeeded.");
  }

  /**
   * AutoAttack's flag: at the largest ε, the share of all samples that the gradient-free Square
   * attack broke after every gradient attack before it had left them standing.
   */
  private MaskingCheck gradientFreeBeatsWhiteBox(AttackSuite.Outcome main) {
    int e = 0;
    for (int i = 1; i < main.eps().size(); i++) {
      e = main.eps().get(i) > main.eps().get(e) ? i : e;
    }
    double share = (double) main.brokenOnlyBy("square", e) / main.samples();
    double tolerance = Math.max(0.01, 1.0 / main.samples());
    return new MaskingCheck("gradient-free-beats-white-box", share <= tolerance + 1e-9, share, tolerance,
        "Share of samples at ε=" + main.eps().get(e) + " that the gradient-free Square attack broke after the gradient attacks"
            + " left them standing; when random search beats the gradient, the gradient is misleading the attacks (masking).");
  }

  private MaskingCheck finiteGradients(GradientOracle oracle, LabeledData sub, IntConsumer progress) {
    int bad = 0;
    int d = sub.inputs().sampleSize();
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      float[] g = oracle.gradient(sub.inputs().slice(from, to), Arrays.copyOfRange(sub.labels(), from, to)).gradient().data();
      progress.accept(1);
      for (int i = 0; i < to - from; i++) {
        double n = L2Ball.norm(g, i * d, d);
        bad += n > 0 && Double.isFinite(n) ? 0 : 1;
      }
    }
    double share = (double) bad / sub.size();
    return new MaskingCheck("gradients-finite-nonzero", share <= MAX_BAD_GRADIENT_SHARE, share, MAX_BAD_GRADIENT_SHARE,
        "Share of samples whose input gradient is exactly zero or not finite; such gradients give gradient attacks nothing to follow (shattered or vanishing gradients).");
  }

  private MaskingCheck logitOutputs(GradientOracle oracle, LabeledData sub, IntConsumer progress) {
    int probability = 0;
    int saturated = 0;
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      FloatTensor o = oracle.forward(sub.inputs().slice(from, to), Arrays.copyOfRange(sub.labels(), from, to)).output();
      progress.accept(1);
      int k = o.sampleSize();
      for (int i = 0; i < to - from; i++) {
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        boolean inUnit = true;
        for (int j = 0; j < k; j++) {
          float v = o.data()[i * k + j];
          inUnit &= v >= 0 && v <= 1;
          sum += v;
          max = Math.max(max, v);
        }
        if (inUnit && Math.abs(sum - 1) <= 1e-4) {
          probability++;
          saturated += max >= 1 - 1e-7 ? 1 : 0;
        }
      }
    }
    double share = (double) saturated / sub.size();
    String what = probability * 2 > sub.size()
        ? "The outputs are probabilities (rows in [0,1] summing to 1), so the loss is −log p_y, whose gradient vanishes in float32 once p_y rounds to 1; "
        : "The outputs are logits; ";
    return new MaskingCheck("outputs-are-logits", share <= MAX_SATURATED_SHARE, share, MAX_SATURATED_SHARE,
        what + "the figure is the share of samples whose output is a saturated probability vector, on which gradient attacks stall.");
  }

  private MaskingCheck deterministic(GradientOracle oracle, LabeledData sub, IntConsumer progress) {
    int to = Math.min(sub.size(), settings.batchSize());
    FloatTensor x = sub.inputs().slice(0, to);
    int[] y = Arrays.copyOf(sub.labels(), to);
    float[] a = oracle.forward(x, y).output().data();
    float[] b = oracle.forward(x, y).output().data();
    progress.accept(2);
    double diff = 0;
    double scale = 1e-12;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
    }
    double rel = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / scale;
    return new MaskingCheck("forward-deterministic", rel <= MAX_FORWARD_DIFFERENCE, rel, MAX_FORWARD_DIFFERENCE,
        "Largest difference between two forward passes of the same inputs, relative to the largest output; a randomized forward pass makes single-run attacks look weaker than they are.");
  }

  private MaskingCheck lossRise(
      GradientOracle oracle, LabeledData data, AttackSuite.Outcome main, double[] gradNorm, double[] hessNorm, IntConsumer progress) {
    int n = data.size();
    if (gradNorm.length != n || hessNorm.length != n) {
      throw new IllegalArgumentException("gradient and Hessian norms need one value per attacked sample (" + n + "), got "
          + gradNorm.length + " and " + hessNorm.length);
    }
    int e = 0;
    for (int i = 1; i < main.eps().size(); i++) {
      e = main.eps().get(i) < main.eps().get(e) ? i : e;
    }
    double eps = main.eps().get(e);
    FloatTensor adv = main.worstAdversarial().get(e);
    List<Double> shares = new ArrayList<>();
    for (int from = 0; from < n; from += settings.batchSize()) {
      int to = Math.min(n, from + settings.batchSize());
      int[] y = Arrays.copyOfRange(data.labels(), from, to);
      float[] clean = oracle.forward(data.inputs().slice(from, to), y).loss();
      float[] attacked = oracle.forward(adv.slice(from, to), y).loss();
      progress.accept(2);
      for (int i = from; i < to; i++) {
        double predicted = eps * gradNorm[i] + 0.5 * eps * eps * hessNorm[i];
        if (!main.cleanCorrect()[i] || !(predicted > 0) || !Double.isFinite(predicted)) {
          continue;
        }
        double rise = main.worstBroken()[e][i] ? predicted : attacked[i - from] - clean[i - from];
        shares.add(Double.isFinite(rise) ? Math.max(0, Math.min(1, rise / predicted)) : 0);
      }
    }
    double median = shares.isEmpty() ? Double.NaN
        : io.lcnn.auditor.result.Stats.of(shares.stream().mapToDouble(Double::doubleValue).toArray()).median();
    boolean passed = shares.isEmpty() || median >= MIN_LOSS_RISE_SHARE;
    return new MaskingCheck("loss-rise-vs-quadratic-model", passed, median, MIN_LOSS_RISE_SHARE,
        "Median share, at ε=" + eps + ", of the quadratic model's loss rise ε‖∇f‖ + ½ε²‖∇²f‖ that the attack achieved (broken samples count fully); an attack far below what the local geometry allows is not following the gradient.");
  }

  private double[] strength(GradientOracle oracle, LabeledData sub, List<Attack> attacks, double eps, IntConsumer progress) {
    double[] s = new double[sub.size()];
    Arrays.fill(s, Double.NEGATIVE_INFINITY);
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      FloatTensor x = sub.inputs().slice(from, to);
      int[] y = Arrays.copyOfRange(sub.labels(), from, to);
      for (Attack a : attacks) {
        AttackOutcome o = a.run(oracle, x, y, eps, from, progress);
        for (int i = 0; i < to - from; i++) {
          double v = o.broken()[i] ? Double.POSITIVE_INFINITY : o.loss()[i];
          s[from + i] = Math.max(s[from + i], v);
        }
      }
    }
    return s;
  }

  private boolean[] cleanCorrect(GradientOracle oracle, LabeledData sub, IntConsumer progress) {
    boolean[] c = new boolean[sub.size()];
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      ForwardResult f = oracle.forward(sub.inputs().slice(from, to), Arrays.copyOfRange(sub.labels(), from, to));
      progress.accept(1);
      int[] p = f.predictions();
      for (int i = 0; i < to - from; i++) {
        c[from + i] = p[i] == sub.labels()[from + i];
      }
    }
    return c;
  }

  private static double dominance(double[] main, double[] baseline, boolean[] correct) {
    int count = 0;
    int ok = 0;
    for (int i = 0; i < main.length; i++) {
      if (!correct[i]) {
        continue;
      }
      count++;
      boolean atLeast = main[i] == Double.POSITIVE_INFINITY
          || (baseline[i] != Double.POSITIVE_INFINITY && main[i] >= baseline[i] - 0.01 * Math.abs(baseline[i]));
      ok += atLeast ? 1 : 0;
    }
    return count == 0 ? 1.0 : (double) ok / count;
  }

  private static double accuracy(double[] strength, boolean[] correct) {
    int ok = 0;
    for (int i = 0; i < strength.length; i++) {
      ok += correct[i] && strength[i] != Double.POSITIVE_INFINITY ? 1 : 0;
    }
    return (double) ok / strength.length;
  }
}
