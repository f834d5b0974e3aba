package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs one or more {@link Attack}s at every ε on a labelled set, in batches, and combines them
 * per sample into a worst case: a sample is broken at ε when it is misclassified clean or any
 * attack broke it. Only samples classified correctly without attack are attacked, and, as in
 * AutoAttack, each attack only on the samples the earlier ones left standing.
 *
 * <p>The worst-case adversarial input kept per sample and ε is: the clean input when it is
 * misclassified clean; otherwise the first misclassified point of the first attack (in the given
 * order) that broke it; otherwise, for an unbroken sample, the highest-loss point any attack
 * found. Every worst-case batch is run through the oracle once more and a success counts only
 * when that forward pass misclassifies the stored float32 point again. Finally, a sample broken
 * at some ε counts as broken at every larger ε, with that point (it lies in the larger ball), so
 * the worst case is monotone in ε; the per-attack figures are left as each attack found them.
 */
public final class AttackSuite {
  private final List<Attack> attacks;
  private final List<Double> eps;
  private final int batchSize;
  private final boolean keepPerAttack;

  /**
   * @param attacks attacks to run, in order of preference for the kept point
   * @param eps radii, in input units (l2 over the whole input tensor)
   * @param batchSize samples per oracle call
   */
  public AttackSuite(List<Attack> attacks, List<Double> eps, int batchSize) {
    this(attacks, eps, batchSize, false);
  }

  /**
   * @param attacks attacks to run, in order; each later one attacks only the samples the earlier
   *     ones left standing
   * @param eps radii, in input units (l2 over the whole input tensor)
   * @param batchSize samples per oracle call
   * @param keepPerAttack also keep each attack's own points per ε (for saving them)
   */
  public AttackSuite(List<Attack> attacks, List<Double> eps, int batchSize, boolean keepPerAttack) {
    if (attacks.isEmpty() || eps.isEmpty() || batchSize < 1) {
      throw new IllegalArgumentException("an attack suite needs at least one attack, one ε and batch size >= 1");
    }
    for (double e : eps) {
      if (!(e > 0) || !Double.isFinite(e)) {
        throw new IllegalArgumentException("attack radii must be positive, got " + e);
      }
    }
    this.attacks = List.copyOf(attacks);
    this.eps = List.copyOf(eps);
    this.batchSize = batchSize;
    this.keepPerAttack = keepPerAttack;
  }

  /** Upper bound of oracle calls {@link #run} makes on {@code samples} samples, for progress totals. */
  public long maxOracleCalls(int samples) {
    long batches = (samples + batchSize - 1) / batchSize;
    long perBatch = 0;
    for (Attack a : attacks) {
      perBatch += a.maxOracleCalls();
    }
    return batches * (1 + eps.size() * (perBatch + 1));
  }

  /**
   * Per attack (in running order), the steps (oracle calls on one batch) {@link #run} reports for it
   * on {@code samples} samples: batches × ε radii × the attack's budget per batch.
   */
  public Map<String, Long> maxOracleCallsPerAttack(int samples) {
    long batches = (samples + batchSize - 1) / batchSize;
    Map<String, Long> out = new LinkedHashMap<>();
    attacks.forEach(a -> out.put(a.name(), batches * eps.size() * a.maxOracleCalls()));
    return out;
  }

  /**
   * Attacks every sample at every ε.
   *
   * @param progress told the number of oracle calls completed, as they complete
   */
  public Outcome run(GradientOracle oracle, LabeledData data, IntConsumer progress) {
    return run(oracle, data, 0, progress);
  }

  /**
   * Attacks every sample at every ε; the samples are those of a split from index
   * {@code firstIndex} on, whose random draws are keyed by that index, so the outcome of a sample
   * does not depend on which other samples are attacked with it.
   *
   * @param progress told the number of oracle calls completed, as they complete
   */
  public Outcome run(GradientOracle oracle, LabeledData data, long firstIndex, IntConsumer progress) {
    return run(oracle, data, firstIndex, progress, AttackProgress.NONE);
  }

  /**
   * As {@link #run(GradientOracle, LabeledData, long, IntConsumer)}, also telling {@code attackProgress}
   * each attack's steps; every attack reaches its {@link #maxOracleCallsPerAttack} total (batches
   * without a sample to attack count as done).
   */
  public Outcome run(GradientOracle oracle, LabeledData data, long firstIndex, IntConsumer progress, AttackProgress attackProgress) {
    int n = data.size();
    FloatTensor inputs = data.inputs();
    int[] labels = data.labels();
    boolean[] cleanCorrect = new boolean[n];
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      ForwardResult f = oracle.forward(inputs.slice(from, to), java.util.Arrays.copyOfRange(labels, from, to));
      int[] p = f.predictions();
      for (int i = from; i < to; i++) {
        cleanCorrect[i] = p[i - from] == labels[i];
      }
      progress.accept(1);
    }
    int[] attacked = java.util.stream.IntStream.range(0, n).filter(i -> cleanCorrect[i]).toArray();
    int d = inputs.sampleSize();

    Map<String, boolean[][]> brokenBy = new LinkedHashMap<>();
    attacks.forEach(a -> brokenBy.put(a.name(), new boolean[eps.size()][n]));
    boolean[][] worst = new boolean[eps.size()][n];
    List<FloatTensor> worstPoints = new ArrayList<>();
    Map<String, List<FloatTensor>> perAttack = keepPerAttack ? new LinkedHashMap<>() : null;
    if (perAttack != null) {
      for (Attack a : attacks) {
        List<FloatTensor> points = new ArrayList<>();
        for (int e = 0; e < eps.size(); e++) {
          points.add(new FloatTensor(inputs.shape().clone(), inputs.data().clone()));
        }
        perAttack.put(a.name(), points);
      }
    }
    for (int e = 0; e < eps.size(); e++) {
      final int eNow = e;
      double radius = eps.get(e);
      float[] kept = inputs.data().clone();
      float[] keptLoss = new float[n];
      java.util.Arrays.fill(keptLoss, Float.NEGATIVE_INFINITY);
      for (int from = 0; from < attacked.length; from += batchSize) {
        int[] index = java.util.Arrays.copyOfRange(attacked, from, Math.min(attacked.length, from + batchSize));
        int[] y = Labels.select(labels, index);
        for (Attack a : attacks) {
          int[] rows = java.util.stream.IntStream.range(0, index.length).filter(r -> !worst[eNow][index[r]]).toArray();
          if (rows.length == 0) {
            progress.accept(a.maxOracleCalls());
            attackProgress.advance(a.name(), a.maxOracleCalls());
            continue;
          }
          int[] sub = Labels.select(index, rows);
          long[] streams = new long[sub.length];
          for (int r = 0; r < sub.length; r++) {
            streams[r] = firstIndex + sub[r];
          }
          String name = a.name();
          AttackOutcome o = a.run(oracle, inputs.select(sub), Labels.select(labels, sub), radius, streams, k -> {
            progress.accept(k);
            attackProgress.advance(name, k);
          });
          boolean[] mine = brokenBy.get(a.name())[e];
          float[] own = perAttack == null ? null : perAttack.get(a.name()).get(e).data();
          for (int r = 0; r < sub.length; r++) {
            int i = sub[r];
            mine[i] = o.broken()[r];
            if (own != null) {
              System.arraycopy(o.adversarial().data(), r * d, own, i * d, d);
            }
            boolean better = o.broken()[r] || o.loss()[r] > keptLoss[i];
            if (better) {
              System.arraycopy(o.adversarial().data(), r * d, kept, i * d, d);
              keptLoss[i] = o.loss()[r];
            }
            worst[e][i] |= o.broken()[r];
          }
        }
        confirm(oracle, new FloatTensor(inputs.select(index).shape(), gather(kept, index, d)), y, index, worst[e]);
        progress.accept(1);
      }
      for (int i = 0; i < n; i++) {
        worst[e][i] |= !cleanCorrect[i];
      }
      worstPoints.add(new FloatTensor(inputs.shape().clone(), kept));
    }
    long unattackedBatches = (n + batchSize - 1) / batchSize - (attacked.length + batchSize - 1) / batchSize;
    for (Attack a : attacks) {
      for (long b = 0; b < unattackedBatches * eps.size(); b++) {
        attackProgress.advance(a.name(), a.maxOracleCalls());
      }
    }
    carryForward(worst, worstPoints, d);
    return new Outcome(eps, cleanCorrect, brokenBy, worst, worstPoints, perAttack);
  }

  /**
   * A point that broke a sample at some ε lies in every larger ball too: where a sample was
   * broken at a smaller ε but not at a larger one, the larger ε keeps the smaller one's point.
   */
  private void carryForward(boolean[][] worst, List<FloatTensor> points, int d) {
    Integer[] order = new Integer[eps.size()];
    for (int e = 0; e < order.length; e++) {
      order[e] = e;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(eps.get(a), eps.get(b)));
    for (int k = 1; k < order.length; k++) {
      int prev = order[k - 1];
      int cur = order[k];
      for (int i = 0; i < worst[cur].length; i++) {
        if (worst[prev][i] && !worst[cur][i]) {
          worst[cur][i] = true;
          System.arraycopy(points.get(prev).data(), i * d, points.get(cur).data(), i * d, d);
        }
      }
    }
  }

  private static float[] gather(float[] all, int[] index, int d) {
    float[] out = new float[index.length * d];
    for (int r = 0; r < index.length; r++) {
      System.arraycopy(all, index[r] * d, out, r * d, d);
    }
    return out;
  }

  private static void confirm(GradientOracle oracle, FloatTensor points, int[] y, int[] index, boolean[] worst) {
    int[] p = oracle.forward(points, y).predictions();
    for (int r = 0; r < index.length; r++) {
      if (worst[index[r]] && p[r] == y[r]) {
        worst[index[r]] = false;
      }
    }
  }

  /**
   * Per-sample results of a suite run.
   *
   * @param eps the radii
   * @param cleanCorrect per sample, whether it is classified correctly without attack
   * @param brokenByAttack per attack name in running order, [ε index][sample] whether that attack
   *     broke it (each attack runs only on the samples still standing, so a sample reads true for
   *     at most one attack; clean misclassified samples are not attacked and read false)
   * @param worstBroken [ε index][sample] the worst case, including clean misclassifications,
   *     confirmed by a second forward pass of the kept point, monotone in ε
   * @param worstAdversarial per ε, the kept points [N, ...] (see the class comment)
   * @param attackAdversarial per attack name and ε, that attack's own points [N, ...] (the clean
   *     input where it did not run: misclassified clean or broken by an earlier attack); null
   *     unless the suite was asked to keep them
   */
  public record Outcome(
      List<Double> eps,
      boolean[] cleanCorrect,
      Map<String, boolean[][]> brokenByAttack,
      boolean[][] worstBroken,
      List<FloatTensor> worstAdversarial,
      Map<String, List<FloatTensor>> attackAdversarial) {

    /** The outcomes of consecutive sample ranges as one outcome, in the given order. */
    public static Outcome concat(List<Outcome> parts) {
      Outcome first = parts.get(0);
      int n = parts.stream().mapToInt(Outcome::samples).sum();
      int ne = first.eps().size();
      boolean[] clean = new boolean[n];
      Map<String, boolean[][]> by = new LinkedHashMap<>();
      first.brokenByAttack().keySet().forEach(k -> by.put(k, new boolean[ne][n]));
      boolean[][] worst = new boolean[ne][n];
      List<FloatTensor> points = new ArrayList<>();
      int at = 0;
      for (Outcome p : parts) {
        int m = p.samples();
        System.arraycopy(p.cleanCorrect(), 0, clean, at, m);
        for (int e = 0; e < ne; e++) {
          System.arraycopy(p.worstBroken()[e], 0, worst[e], at, m);
          for (var entry : p.brokenByAttack().entrySet()) {
            System.arraycopy(entry.getValue()[e], 0, by.get(entry.getKey())[e], at, m);
          }
        }
        at += m;
      }
      for (int e = 0; e < ne; e++) {
        int index = e;
        points.add(io.lcnn.auditor.data.Slices.concat(parts.stream().map(p -> p.worstAdversarial().get(index)).toList()));
      }
      Map<String, List<FloatTensor>> perAttack = null;
      if (first.attackAdversarial() != null) {
        perAttack = new LinkedHashMap<>();
        for (String name : first.attackAdversarial().keySet()) {
          List<FloatTensor> own = new ArrayList<>();
          for (int e = 0; e < ne; e++) {
            int index = e;
            own.add(io.lcnn.auditor.data.Slices.concat(parts.stream().map(p -> p.attackAdversarial().get(name).get(index)).toList()));
          }
          perAttack.put(name, own);
        }
      }
      return new Outcome(first.eps(), clean, by, worst, points, perAttack);
    }

    /** Number of samples. */
    public int samples() {
      return cleanCorrect.length;
    }

    /** Accuracy without attack, in [0, 1]. */
    public double cleanAccuracy() {
      int c = 0;
      for (boolean b : cleanCorrect) {
        c += b ? 1 : 0;
      }
      return (double) c / samples();
    }

    /**
     * Robust accuracy after the attacks up to and including {@code attack} (in running order) at ε
     * index {@code e}: correct clean and broken by none of them. For the first attack this is its
     * own accuracy; for the last one, before the final confirmation pass, the worst case.
     */
    public double accuracy(String attack, int e) {
      boolean[] b = new boolean[samples()];
      for (Map.Entry<String, boolean[][]> entry : brokenByAttack.entrySet()) {
        boolean[] mine = entry.getValue()[e];
        for (int i = 0; i < b.length; i++) {
          b[i] |= mine[i];
        }
        if (entry.getKey().equals(attack)) {
          break;
        }
      }
      int c = 0;
      for (int i = 0; i < samples(); i++) {
        c += cleanCorrect[i] && !b[i] ? 1 : 0;
      }
      return (double) c / samples();
    }

    /** Samples (at ε index {@code e}) that {@code attack} broke after every earlier attack left them standing. */
    public int brokenOnlyBy(String attack, int e) {
      boolean[] mine = brokenByAttack.get(attack)[e];
      int c = 0;
      for (boolean v : mine) {
        c += v ? 1 : 0;
      }
      return c;
    }

    /** Worst-case robust accuracy at ε index {@code e}. */
    public double worstCaseAccuracy(int e) {
      int c = 0;
      for (boolean b : worstBroken[e]) {
        c += b ? 0 : 1;
      }
      return (double) c / samples();
    }

    /** Per sample: 0 when misclassified clean, else the smallest ε that broke it, else null. */
    public List<Double> smallestBreakingEps() {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < samples(); i++) {
        Double v = null;
        if (!cleanCorrect[i]) {
          v = 0.0;
        } else {
          for (int e = 0; e < eps.size(); e++) {
            if (worstBroken[e][i] && (v == null || eps.get(e) < v)) {
              v = eps.get(e);
            }
          }
        }
        out.add(v);
      }
      return out;
    }
  }
}
