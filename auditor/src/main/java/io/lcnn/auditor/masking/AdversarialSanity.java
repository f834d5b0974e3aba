package io.lcnn.auditor.masking;

import io.lcnn.auditor.attack.AttackSuite;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.L2Ball;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.List;

/**
 * AutoAttack's final check of the adversarial examples: every kept point (the worst case per ε,
 * and each attack's own points when kept) is finite, inside the input range, and within ε of
 * its clean input (1e-5 slack for float32 rounding). The figure is the number of points that
 * fail; any failure means a robust-accuracy figure rests on an invalid example.
 */
public final class AdversarialSanity {
  /** Slack on the l2 radius for float32 rounding. */
  public static final double RADIUS_SLACK = 1e-5;

  private AdversarialSanity() {}

  /**
   * Counts of checked and invalid points.
   *
   * @param bad points that fail
   * @param checked points checked
   */
  public record Tally(int bad, int checked) {
    /** The counts of several ranges together. */
    public static Tally sum(List<Tally> parts) {
      return new Tally(parts.stream().mapToInt(Tally::bad).sum(), parts.stream().mapToInt(Tally::checked).sum());
    }
  }

  /** The check on a suite outcome over {@code data}. */
  public static MaskingCheck check(LabeledData data, AttackSuite.Outcome outcome, InputRange range) {
    return check(tally(data, outcome, range), range);
  }

  /** The check from the counts of a whole split. */
  public static MaskingCheck check(Tally t, InputRange range) {
    return new MaskingCheck("adversarial-examples-valid", t.bad() == 0, t.bad(), 0,
        "Number of kept adversarial points (of " + t.checked() + ") that hold a NaN or infinity, leave the input range ["
            + range.lo() + ", " + range.hi() + "] or lie farther than ε from their input; a robust accuracy resting on an invalid point is void.");
  }

  /** The counts on a suite outcome over {@code data} (any consecutive samples of a split). */
  public static Tally tally(LabeledData data, AttackSuite.Outcome outcome, InputRange range) {
    int bad = 0;
    int checked = 0;
    for (int e = 0; e < outcome.eps().size(); e++) {
      double eps = outcome.eps().get(e);
      bad += invalid(data.inputs(), outcome.worstAdversarial().get(e), eps, range);
      checked += data.size();
      if (outcome.attackAdversarial() != null) {
        for (List<FloatTensor> points : outcome.attackAdversarial().values()) {
          bad += invalid(data.inputs(), points.get(e), eps, range);
          checked += data.size();
        }
      }
    }
    return new Tally(bad, checked);
  }

  /** Points of {@code adv} that are not finite, outside the range or outside the ε-ball around {@code x}. */
  static int invalid(FloatTensor x, FloatTensor adv, double eps, InputRange range) {
    int d = x.sampleSize();
    int bad = 0;
    for (int i = 0; i < x.batchSize(); i++) {
      boolean ok = true;
      for (int j = 0; j < d && ok; j++) {
        float v = adv.data()[i * d + j];
        ok = Float.isFinite(v) && v >= range.lo() && v <= range.hi();
      }
      ok = ok && L2Ball.distance(adv.data(), x.data(), i * d, d) <= eps + RADIUS_SLACK;
      bad += ok ? 0 : 1;
    }
    return bad;
  }
}
