package io.lcnn.auditor.attack;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;

/**
 * Writes the worst-case adversarial inputs of an attack suite, one float32 .npy per ε named
 * {@code eps_<ε>.npy} (ε as Java writes the double, e.g. {@code eps_0.1.npy}), with the shape of
 * the inputs, atomically; and each attack's own points as {@code <attack>/eps_<ε>.npy}.
 */
public final class AdversarialWriter {
  private AdversarialWriter() {}

  /** The file name for radius {@code eps}. */
  public static String fileName(double eps) {
    return "eps_" + eps + ".npy";
  }

  /**
   * Writes every ε's worst-case points into {@code dir} (created if missing) and, when the outcome
   * kept them, each attack's own points into {@code dir/<attack>/}.
   */
  public static void write(Path dir, AttackSuite.Outcome outcome) {
    for (int e = 0; e < outcome.eps().size(); e++) {
      FloatTensor t = outcome.worstAdversarial().get(e);
      Npy.write(dir.resolve(fileName(outcome.eps().get(e))), t);
    }
    if (outcome.attackAdversarial() != null) {
      outcome.attackAdversarial().forEach((attack, points) -> {
        for (int e = 0; e < outcome.eps().size(); e++) {
          Npy.write(dir.resolve(attack).resolve(fileName(outcome.eps().get(e))), points.get(e));
        }
      });
    }
  }
}
