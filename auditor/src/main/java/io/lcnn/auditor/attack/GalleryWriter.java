package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.result.Artifacts;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Saves the arrays the report's gallery shows, next to audit.json: for the least robust test
 * samples (correct when clean, broken at the smallest ε first), their clean inputs, their
 * worst-case adversarial inputs at the largest attacked ε, and their input gradients (saliency).
 * Files: {@code gallery/inputs.npy}, {@code gallery/adversarial.npy}, {@code gallery/gradients.npy},
 * each float32 [G, ...input shape].
 */
public final class GalleryWriter {
  /** Samples the gallery shows at most. */
  public static final int DEFAULT_SIZE = 8;

  private GalleryWriter() {}

  /**
   * Picks the gallery samples, writes their arrays under {@code auditDir/gallery}, and returns
   * the artifacts block (null when no sample was correct when clean).
   */
  public static Artifacts write(
      Path auditDir, GradientOracle oracle, LabeledData test, AttackSuite.Outcome outcome, int size) {
    List<Double> breaking = outcome.smallestBreakingEps();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < outcome.samples(); i++) {
      if (outcome.cleanCorrect()[i]) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty() || size < 1) {
      return null;
    }
    candidates.sort(Comparator.comparingDouble(i -> breaking.get(i) == null ? Double.POSITIVE_INFINITY : breaking.get(i)));
    int[] picked = candidates.subList(0, Math.min(size, candidates.size())).stream().mapToInt(Integer::intValue).toArray();
    int last = outcome.eps().size() - 1;
    FloatTensor clean = test.inputs().select(picked);
    FloatTensor adversarial = outcome.worstAdversarial().get(last).select(picked);
    int[] labels = new int[picked.length];
    for (int i = 0; i < picked.length; i++) {
      labels[i] = test.labels()[picked[i]];
    }
    FloatTensor gradients = oracle.gradient(clean, labels).gradient();
    int[] advPred = oracle.forward(adversarial, labels).predictions();
    Path dir = auditDir.resolve("gallery");
    Npy.write(dir.resolve("inputs.npy"), clean);
    Npy.write(dir.resolve("adversarial.npy"), adversarial);
    Npy.write(dir.resolve("gradients.npy"), gradients);
    List<Integer> indices = new ArrayList<>();
    List<Integer> preds = new ArrayList<>();
    for (int i = 0; i < picked.length; i++) {
      indices.add(picked[i]);
      preds.add(advPred[i]);
    }
    return new Artifacts(indices, outcome.eps().get(last), "gallery/inputs.npy", "gallery/adversarial.npy",
        "gallery/gradients.npy", preds);
  }
}
