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
    return summarize(measure(oracle, data, 0, main, gradNorm, hessNorm, progress), main);
  }

  /**
   * The per-sample figures of the checks on the samples of a split from index
   * {@code firstIndex} on: the comparison attacks run on those among the split's first
   * {@code maskingSamples}, the determinism check on those among its first batch.
   *
   * @param main the attack suite's outcome on {@code data}
   * @param gradNorm per sample of {@code data}, or null
   * @param hessNorm per sample of {@code data}, or null
   */
  public Samples measure(
      GradientOracle oracle,
      LabeledData data,
      long firstIndex,
      AttackSuite.Outcome main,
      double[] gradNorm,
      double[] hessNorm,
      IntConsumer progress) {
    int inSub = (int) Math.max(0, Math.min(data.size(), settings.maskingSamples() - firstIndex));
    LabeledData sub = data.head(Math.max(inSub, 0));
    int inFirstBatch = (int) Math.max(0, Math.min(inSub, Math.min(settings.maskingSamples(), settings.batchSize()) - firstIndex));
    boolean[] badGradient = new boolean[inSub];
    boolean[] probability = new boolean[inSub];
    boolean[] saturated = new boolean[inSub];
    double[][] strength = new double[5][];
    boolean[] correct = new boolean[inSub];
    double[] forwardDifference = new double[inFirstBatch];
    double[] outputScale = new double[inFirstBatch];
    if (inSub > 0) {
      finiteGradients(oracle, sub, badGradient, progress);
      logitOutputs(oracle, sub, probability, saturated, progress);
      deterministic(oracle, sub.head(Math.max(inFirstBatch, 1)), forwardDifference, outputScale, progress);
      double eps = settings.maxEps();
      List<Attack> attacks = settings.attack().gradientAttacks(settings, range);
      strength[0] = strength(oracle, sub, firstIndex, attacks, eps, progress);
      strength[1] = strength(oracle, sub, firstIndex,
          List.of(new RandomNoiseL2(settings.steps(), settings.seed() + 7, range)), eps, progress);
      strength[2] = strength(oracle, sub, firstIndex, List.of(PgdL2.oneStep(range)), eps, progress);
      RobustnessSettings stronger = stronger();
      strength[3] = strength(oracle, sub, firstIndex, stronger.attack().gradientAttacks(stronger, range), eps, progress);
      strength[4] = strength(oracle, sub, firstIndex, attacks, largeEps(settings, range, sub.inputs().sampleSize()), progress);
      cleanCorrect(oracle, sub, correct, progress);
    } else {
      java.util.Arrays.setAll(strength, i -> new double[0]);
    }
    Double[] lossRise = gradNorm != null && hessNorm != null ? lossRise(oracle, data, main, gradNorm, hessNorm, progress) : null;
    return new Samples(badGradient, probability, saturated, forwardDifference, outputScale, strength, correct, lossRise,
        data.inputs().sampleSize());
  }

  /** The checks from the per-sample figures of a whole split and the suite's outcome on it. */
  public List<MaskingCheck> summarize(Samples s, AttackSuite.Outcome main) {
    List<MaskingCheck> out = new ArrayList<>();
    int subSize = s.correct().length;
    out.add(monotone(main));
    if (main.brokenByAttack().containsKey("square")) {
      out.add(gradientFreeBeatsWhiteBox(main));
    }
    out.add(finiteGradients(s.badGradient()));
    out.add(logitOutputs(s.probability(), s.saturated()));
    out.add(deterministic(s.forwardDifference(), s.outputScale()));

    double eps = settings.maxEps();
    boolean[] correct = s.correct();
    double noiseShare = dominance(s.strength()[0], s.strength()[1], correct);
    out.add(new MaskingCheck("pgd-beats-random-noise", noiseShare >= MIN_DOMINANCE_SHARE, noiseShare, MIN_DOMINANCE_SHARE,
        "Share of samples on which the gradient attack at ε=" + eps + " did at least as well as " + settings.steps()
            + " random points of the same norm; a gradient attack no better than noise is not using the gradient."));
    double stepShare = dominance(s.strength()[0], s.strength()[2], correct);
    out.add(new MaskingCheck("pgd-beats-one-step", stepShare >= MIN_DOMINANCE_SHARE, stepShare, MIN_DOMINANCE_SHARE,
        "Share of samples on which the iterative attack at ε=" + eps
            + " did at least as well as a single normalized-gradient step of the same norm; if many steps lose to one, the loss surface is obstructing the attack."));

    RobustnessSettings stronger = stronger();
    double accMain = accuracy(s.strength()[0], correct);
    double accStrong = accuracy(s.strength()[3], correct);
    double tolerance = Math.max(0.01, 1.0 / subSize);
    out.add(new MaskingCheck("more-steps-no-higher-accuracy", accStrong - accMain <= tolerance + 1e-9, accStrong - accMain, tolerance,
        "Accuracy with twice the steps (" + stronger.steps() + ") minus accuracy with " + settings.steps()
            + " at ε=" + eps + "; a stronger attack that finds fewer adversarial examples points to a noisy or obstructed loss surface."));

    double large = largeEps(settings, range, s.sampleSize());
    double accLarge = accuracy(s.strength()[4], correct);
    out.add(new MaskingCheck("large-eps-accuracy-near-zero", accLarge <= MAX_LARGE_EPS_ACCURACY, accLarge, MAX_LARGE_EPS_ACCURACY,
        "Accuracy under attack at the large ε=" + String.format(java.util.Locale.ROOT, "%.4g", large)
            + "; a model that stays accurate under a very large perturbation is hiding its gradient rather than robust."));

    if (s.lossRise() != null) {
      out.add(lossRise(s.lossRise(), main));
    }
    return out;
  }

  private RobustnessSettings stronger() {
    return settings.withSteps(2 * settings.steps()).withSeed(settings.seed() + 1);
  }

  /**
   * Per-sample figures of the masking checks for consecutive samples of a split. Arrays over
   * the masking subset (the split's first {@code maskingSamples}) hold only the subset's samples.
   *
   * @param badGradient per subset sample: gradient zero or not finite
   * @param probability per subset sample: the output row is a probability vector
   * @param saturated per subset sample: that probability vector is saturated
   * @param forwardDifference per sample of the first batch: largest |difference| of two forward passes
   * @param outputScale per sample of the first batch: largest |output|
   * @param strength [attack: main, noise, one step, twice the steps, large ε][subset sample]: +∞ when
   *     broken, else the kept loss
   * @param correct per subset sample: classified correctly without attack
   * @param lossRise per sample: share of the quadratic model's loss rise reached, null when not
   *     counted; the array is null when the geometry was not given
   * @param sampleSize values per sample
   */
  public record Samples(
      boolean[] badGradient,
      boolean[] probability,
      boolean[] saturated,
      double[] forwardDifference,
      double[] outputScale,
      double[][] strength,
      boolean[] correct,
      Double[] lossRise,
      int sampleSize) {

    /** Consecutive ranges of one split joined in order. */
    public static Samples concat(List<Samples> parts) {
      double[][] strength = new double[5][];
      for (int a = 0; a < 5; a++) {
        int attack = a;
        strength[a] = parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.strength()[attack])).toArray();
      }
      boolean anyLoss = parts.stream().allMatch(p -> p.lossRise() != null);
      return new Samples(
          joinBooleans(parts.stream().map(Samples::badGradient).toList()),
          joinBooleans(parts.stream().map(Samples::probability).toList()),
          joinBooleans(parts.stream().map(Samples::saturated).toList()),
          parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.forwardDifference())).toArray(),
          parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.outputScale())).toArray(),
          strength,
          joinBooleans(parts.stream().map(Samples::correct).toList()),
          anyLoss ? parts.stream().flatMap(p -> java.util.Arrays.stream(p.lossRise())).toArray(Double[]::new) : null,
          parts.get(0).sampleSize());
    }

    private static boolean[] joinBooleans(List<boolean[]> parts) {
      boolean[] out = new boolean[parts.stream().mapToInt(b -> b.length).sum()];
      int at = 0;
      for (boolean[] b : parts) {
        System.arraycopy(b, 0, out, at, b.length);
        at += b.length;
      }
      return out;
    }
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

  private void finiteGradients(GradientOracle oracle, LabeledData sub, boolean[] bad, IntConsumer progress) {
    int d = sub.inputs().sampleSize();
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      float[] g = oracle.gradient(sub.inputs().slice(from, to), Arrays.copyOfRange(sub.labels(), from, to)).gradient().data();
      progress.accept(1);
      for (int i = 0; i < to - from; i++) {
        double n = L2Ball.norm(g, i * d, d);
        bad[from + i] = !(n > 0 && Double.isFinite(n));
      }
    }
  }

  private static MaskingCheck finiteGradients(boolean[] bad) {
    double share = (double) count(bad) / bad.length;
    return new MaskingCheck("gradients-finite-nonzero", share <= MAX_BAD_GRADIENT_SHARE, share, MAX_BAD_GRADIENT_SHARE,
        "Share of samples whose input gradient is exactly zero or not finite; such gradients give gradient attacks nothing to follow (shattered or vanishing gradients).");
  }

  private void logitOutputs(GradientOracle oracle, LabeledData sub, boolean[] probability, boolean[] saturated, IntConsumer progress) {
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
        probability[from + i] = inUnit && Math.abs(sum - 1) <= 1e-4;
        saturated[from + i] = probability[from + i] && max >= 1 - 1e-7;
      }
    }
  }

  private static MaskingCheck logitOutputs(boolean[] probability, boolean[] saturated) {
    int n = probability.length;
    double share = (double) count(saturated) / n;
    String what = count(probability) * 2 > n
        ? "The outputs are probabilities (rows in [0,1] summing to 1), so the loss is −log p_y, whose gradient vanishes in float32 once p_y rounds to 1; "
        : "The outputs are logits; ";
    return new MaskingCheck("outputs-are-logits", share <= MAX_SATURATED_SHARE, share, MAX_SATURATED_SHARE,
        what + "the figure is the share of samples whose output is a saturated probability vector, on which gradient attacks stall.");
  }

  private static int count(boolean[] b) {
    int c = 0;
    for (boolean v : b) {
      c += v ? 1 : 0;
    }
    return c;
  }

  private void deterministic(GradientOracle oracle, LabeledData first, double[] diff, double[] scale, IntConsumer progress) {
    if (diff.length == 0) {
      return;
    }
    FloatTensor x = first.inputs().slice(0, diff.length);
    int[] y = Arrays.copyOf(first.labels(), diff.length);
    FloatTensor oa = oracle.forward(x, y).output();
    float[] a = oa.data();
    float[] b = oracle.forward(x, y).output().data();
    progress.accept(2);
    int k = oa.sampleSize();
    for (int i = 0; i < diff.length; i++) {
      for (int j = i * k; j < (i + 1) * k; j++) {
        diff[i] = Math.max(diff[i], Math.abs((double) a[j] - b[j]));
        scale[i] = Math.max(scale[i], Math.abs(a[j]));
      }
    }
  }

  private static MaskingCheck deterministic(double[] diffs, double[] scales) {
    double diff = 0;
    double scale = 1e-12;
    for (int i = 0; i < diffs.length; i++) {
      diff = Math.max(diff, diffs[i]);
      scale = Math.max(scale, scales[i]);
      if (Double.isNaN(diffs[i])) {
        diff = Double.NaN;
        break;
      }
    }
    double rel = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / scale;
    return new MaskingCheck("forward-deterministic", rel <= MAX_FORWARD_DIFFERENCE, rel, MAX_FORWARD_DIFFERENCE,
        "Largest difference between two forward passes of the same inputs, relative to the largest output; a randomized forward pass makes single-run attacks look weaker than they are.");
  }

  private static int smallestEps(AttackSuite.Outcome main) {
    int e = 0;
    for (int i = 1; i < main.eps().size(); i++) {
      e = main.eps().get(i) < main.eps().get(e) ? i : e;
    }
    return e;
  }

  private Double[] lossRise(
      GradientOracle oracle, LabeledData data, AttackSuite.Outcome main, double[] gradNorm, double[] hessNorm, IntConsumer progress) {
    int n = data.size();
    if (gradNorm.length != n || hessNorm.length != n) {
      throw new IllegalArgumentException("gradient and Hessian norms need one value per attacked sample (" + n + "), got "
          + gradNorm.length + " and " + hessNorm.length);
    }
    int e = smallestEps(main);
    double eps = main.eps().get(e);
    FloatTensor adv = main.worstAdversarial().get(e);
    Double[] shares = new Double[n];
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
        shares[i] = Double.isFinite(rise) ? Math.max(0, Math.min(1, rise / predicted)) : 0;
      }
    }
    return shares;
  }

  private static MaskingCheck lossRise(Double[] perSample, AttackSuite.Outcome main) {
    double eps = main.eps().get(smallestEps(main));
    double[] shares = Arrays.stream(perSample).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    double median = shares.length == 0 ? Double.NaN : io.lcnn.auditor.result.Stats.of(shares).median();
    boolean passed = shares.length == 0 || median >= MIN_LOSS_RISE_SHARE;
    return new MaskingCheck("loss-rise-vs-quadratic-model", passed, median, MIN_LOSS_RISE_SHARE,
        "Median share, at ε=" + eps + ", of the quadratic model's loss rise ε‖∇f‖ + ½ε²‖∇²f‖ that the attack achieved (broken samples count fully); an attack far below what the local geometry allows is not following the gradient.");
  }

  private double[] strength(
      GradientOracle oracle, LabeledData sub, long firstIndex, List<Attack> attacks, double eps, IntConsumer progress) {
    double[] s = new double[sub.size()];
    Arrays.fill(s, Double.NEGATIVE_INFINITY);
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      FloatTensor x = sub.inputs().slice(from, to);
      int[] y = Arrays.copyOfRange(sub.labels(), from, to);
      for (Attack a : attacks) {
        AttackOutcome o = a.run(oracle, x, y, eps, Attack.consecutive(firstIndex + from, to - from), progress);
        for (int i = 0; i < to - from; i++) {
          double v = o.broken()[i] ? Double.POSITIVE_INFINITY : o.loss()[i];
          s[from + i] = Math.max(s[from + i], v);
        }
      }
    }
    return s;
  }

  private void cleanCorrect(GradientOracle oracle, LabeledData sub, boolean[] c, IntConsumer progress) {
    for (int from = 0; from < sub.size(); from += settings.batchSize()) {
      int to = Math.min(sub.size(), from + settings.batchSize());
      ForwardResult f = oracle.forward(sub.inputs().slice(from, to), Arrays.copyOfRange(sub.labels(), from, to));
      progress.accept(1);
      int[] p = f.predictions();
      for (int i = 0; i < to - from; i++) {
        c[from + i] = p[i] == sub.labels()[from + i];
      }
    }
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
