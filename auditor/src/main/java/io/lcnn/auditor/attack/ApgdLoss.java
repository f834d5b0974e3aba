package io.lcnn.auditor.attack;

import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.util.function.IntConsumer;

/**
 * The objective an APGD run maximizes, evaluated with the loss oracle: the cross-entropy of the
 * true class (APGD-CE), or AutoAttack's targeted difference-of-logits ratio (APGD-T).
 */
interface ApgdLoss {

  /**
   * The objective at a point.
   *
   * @param loss per sample, the objective (to maximize)
   * @param gradient its input gradient, flat like the points
   * @param trueForward the forward pass with the true labels (loss = cross-entropy), for the
   *     outcome tracker
   */
  record Evaluation(float[] loss, float[] gradient, ForwardResult trueForward) {}

  /** A per-run evaluator (it may keep state between steps). */
  interface Session {
    /** Evaluates the points, telling {@code progress} the oracle calls made. */
    Evaluation evaluate(FloatTensor points, IntConsumer progress);
  }

  /** Opens a run on samples with true labels {@code y} and targets (null when untargeted). */
  Session open(GradientOracle oracle, int[] y, int[] targets);

  /** The cross-entropy of the true class: one gradient call per step. */
  static ApgdLoss crossEntropy() {
    return (oracle, y, targets) -> (points, progress) -> {
      GradientResult g = oracle.gradient(points, y);
      progress.accept(1);
      return new Evaluation(g.loss(), g.gradient().data(), g.forward());
    };
  }

  /**
   * AutoAttack's targeted DLR loss −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2 + 1e-12), z sorted
   * decreasingly as z_π1 ≥ z_π2 ≥ …; for a probability output z = log p (see {@link TargetedDlr}).
   */
  static ApgdLoss targetedDlr() {
    return TargetedDlr::new;
  }
}
