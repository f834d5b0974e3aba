package io.lcnn.auditor.attack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of the robustness probes (attacks, gradient stability, masking checks), with the
 * defaults of {@link #defaults()} and parsers for the command-line flag values.
 *
 * @param eps attack radii, l2 in input units (default 0.05, 0.1, 0.15, 0.2: the paper's Table 2)
 * @param steps iterations per restart (PGD, APGD) and per target (APGD-T, FAB-T) (default 50)
 * @param stepSizeFactor PGD step α = factor·ε/steps (default 2.5)
 * @param restarts random restarts (default 3)
 * @param attack which attacks run, in order (default {@link AttackKind#DEFAULT}); several give a per-sample worst case
 * @param seed seed of every random draw (default 0)
 * @param inputRange valid input range, null to take the model's {@code input_range} metadata or
 *     else [0, 1]
 * @param stabilityRadii radii r of the gradient-stability probe, ascending (default 5 points log
 *     spaced from 1e-3 to 1e-1)
 * @param stabilityDirections random unit directions per sample (default 4; ignored with
 *     {@code noise})
 * @param noise .npy file of one direction per sample for the stability probe, or null
 * @param saveAdversarial folder to write the worst-case adversarial inputs to, or null
 * @param largeEpsFactor the large-ε masking check attacks at this multiple of the largest ε
 *     (default 5), or at 0.15 × the input box's l2 diameter (hi − lo)·√d when that is larger
 * @param maskingSamples samples the extra masking-check attacks use (default 100; the first ones)
 * @param batchSize samples per oracle call (default 64)
 * @param squareQueries queries per sample of the Square attack (default 5,000, as in AutoAttack)
 * @param targets target classes of APGD-T and FAB-T, at most K − 1 are used (default 9, as in AutoAttack)
 * @param minNormSteps iterations of the minimum-norm attack that finds each sample's smallest
 *     breaking radius (default 100; 0 skips it)
 */
public record RobustnessSettings(
    List<Double> eps,
    int steps,
    double stepSizeFactor,
    int restarts,
    AttackKind attack,
    long seed,
    InputRange inputRange,
    List<Double> stabilityRadii,
    int stabilityDirections,
    Path noise,
    Path saveAdversarial,
    double largeEpsFactor,
    int maskingSamples,
    int batchSize,
    int squareQueries,
    int targets,
    int minNormSteps) {

  /** Checks ranges and copies the lists. */
  public RobustnessSettings {
    eps = List.copyOf(eps);
    stabilityRadii = List.copyOf(stabilityRadii);
    if (eps.isEmpty() || eps.stream().anyMatch(e -> !(e > 0) || !Double.isFinite(e))) {
      throw new IllegalArgumentException("--eps needs positive finite radii, got " + eps);
    }
    if (stabilityRadii.isEmpty() || stabilityRadii.stream().anyMatch(r -> !(r > 0) || !Double.isFinite(r))) {
      throw new IllegalArgumentException("--stability-radii needs positive finite radii, got " + stabilityRadii);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("--pgd-steps must be at least 1, got " + steps);
    }
    if (restarts < 1) {
      throw new IllegalArgumentException("--pgd-restarts must be at least 1, got " + restarts);
    }
    if (squareQueries < 1 || targets < 1 || minNormSteps < 0) {
      throw new IllegalArgumentException("--square-queries and --targets must be at least 1 and --min-norm-steps at least 0; got "
          + squareQueries + ", " + targets + ", " + minNormSteps);
    }
    if (!(stepSizeFactor > 0) || stabilityDirections < 1 || !(largeEpsFactor > 1) || maskingSamples < 1 || batchSize < 1) {
      throw new IllegalArgumentException("robustness settings out of range: " + stepSizeFactor + ", "
          + stabilityDirections + ", " + largeEpsFactor + ", " + maskingSamples + ", " + batchSize);
    }
  }

  /** The defaults listed on the components. */
  public static RobustnessSettings defaults() {
    return new RobustnessSettings(
        List.of(0.05, 0.1, 0.15, 0.2),
        PgdL2.DEFAULT_STEPS,
        PgdL2.DEFAULT_STEP_SIZE_FACTOR,
        PgdL2.DEFAULT_RESTARTS,
        AttackKind.DEFAULT,
        0,
        null,
        logGrid(1e-3, 1e-1, 5),
        4,
        null,
        null,
        5.0,
        100,
        64,
        SquareL2.DEFAULT_QUERIES,
        ApgdTargetedL2.DEFAULT_TARGETS,
        FmnL2.DEFAULT_STEPS);
  }

  /**
   * {@code points} radii log-spaced from {@code lo} to {@code hi}, both included, rounded to 12
   * significant digits (so that 1e-3 … 1e-1 in 5 points holds exactly 0.01).
   */
  public static List<Double> logGrid(double lo, double hi, int points) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      double v = points == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (points - 1));
      out.add(new java.math.BigDecimal(v).round(new java.math.MathContext(12)).doubleValue());
    }
    return out;
  }

  /**
   * Parses a comma-separated list of positive numbers, e.g. {@code --eps 0.05,0.1}.
   *
   * @param flag the flag's name for the error message
   */
  public static List<Double> parseRadii(String flag, String text) {
    List<Double> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": '" + part.trim() + "' is not a number (in '" + text + "')");
      }
      if (!(v > 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException(flag + ": radii must be positive, got " + part.trim());
      }
      out.add(v);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(flag + ": needs at least one radius, got '" + text + "'");
    }
    return out.stream().sorted().distinct().toList();
  }

  /** The largest attack radius. */
  public double maxEps() {
    return eps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** A copy with other radii. */
  public RobustnessSettings withEps(List<Double> v) {
    return new RobustnessSettings(v, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with other steps. */
  public RobustnessSettings withSteps(int v) {
    return new RobustnessSettings(eps, v, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with other restarts. */
  public RobustnessSettings withRestarts(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, v, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another attack choice. */
  public RobustnessSettings withAttack(AttackKind v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, v, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another seed. */
  public RobustnessSettings withSeed(long v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, v, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another input range (null: from the model's metadata, else [0, 1]). */
  public RobustnessSettings withInputRange(InputRange v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, v, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with other stability radii. */
  public RobustnessSettings withStabilityRadii(List<Double> v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, v,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another direction count. */
  public RobustnessSettings withStabilityDirections(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        v, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with a noise-direction file (or null). */
  public RobustnessSettings withNoise(Path v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, v, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy saving adversarial inputs to {@code v} (or not, with null). */
  public RobustnessSettings withSaveAdversarial(Path v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, v, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another large-ε factor. */
  public RobustnessSettings withLargeEpsFactor(double v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, v, maskingSamples, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another masking-sample count. */
  public RobustnessSettings withMaskingSamples(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, v, batchSize, squareQueries, targets, minNormSteps);
  }

  /** A copy with another batch size. */
  public RobustnessSettings withBatchSize(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, v, squareQueries, targets, minNormSteps);
  }

  /** A copy with another Square query budget. */
  public RobustnessSettings withSquareQueries(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, v, targets, minNormSteps);
  }

  /** A copy with another APGD-T target count. */
  public RobustnessSettings withTargets(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, v, minNormSteps);
  }

  /** A copy with other minimum-norm attack steps (0: no smallest-radius search). */
  public RobustnessSettings withMinNormSteps(int v) {
    return new RobustnessSettings(eps, steps, stepSizeFactor, restarts, attack, seed, inputRange, stabilityRadii,
        stabilityDirections, noise, saveAdversarial, largeEpsFactor, maskingSamples, batchSize, squareQueries, targets, v);
  }
}
