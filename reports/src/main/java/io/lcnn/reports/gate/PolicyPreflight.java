package io.lcnn.reports.gate;

import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.ReportInputException;
import java.util.List;

/**
 * Checks, before an audit runs, that its gate policy can be evaluated on what the audit will
 * produce: the baseline audit.json exists and is valid, every radius a robust-accuracy rule names
 * is attacked, the train split is given when a rule reads it, attacks run when the masking rule
 * is asked for, and the self-check runs when its rule is. So a policy the audit cannot meet as
 * planned fails in seconds, not after the work.
 */
public final class PolicyPreflight {
  private PolicyPreflight() {}

  /**
   * What the audit is about to produce.
   *
   * @param attackedEps the l2 radii the attacks will use (empty when attacks are off)
   * @param trainSplit whether a training split is audited
   * @param selfCheck whether the exact-vs-finite-difference self-check runs
   */
  public record Plan(List<Double> attackedEps, boolean trainSplit, boolean selfCheck) {
    /** Copies the radii. */
    public Plan {
      attackedEps = List.copyOf(attackedEps);
    }
  }

  /**
   * @param policyFile the policy's file, for messages
   * @throws ReportInputException one line naming the policy file, the rule and the flag to change
   */
  public static void check(String policyFile, Policy policy, Plan plan) {
    if (policy.baseline() != null) {
      try {
        LoadedAudit.load(policy.baseline());
      } catch (ReportInputException e) {
        throw new ReportInputException(policyFile + ": field 'baseline': " + e.getMessage(), e);
      }
    }
    for (GateRule r : policy.rules()) {
      String problem = problem(r, plan);
      if (problem != null) {
        throw new ReportInputException(policyFile + ": rule '" + r.name() + "' " + problem);
      }
    }
  }

  private static String problem(GateRule r, Plan plan) {
    if (r instanceof MinRobustAccuracyRule m) {
      if (plan.attackedEps().isEmpty()) {
        return "needs attacks, but --attack is none";
      }
      boolean attacked = plan.attackedEps().stream().anyMatch(e -> RobustAccuracy.sameEps(e, m.eps()));
      return attacked ? null : "needs eps " + Fmt.num(m.eps()) + ", which --pgd-eps " + plan.attackedEps() + " does not attack";
    }
    if (r instanceof MaskingChecksRule && plan.attackedEps().isEmpty()) {
      return "needs the masking checks, which run only with attacks (--attack is none)";
    }
    if (r instanceof MaxDiscrepancyRule && !plan.trainSplit()) {
      return "needs the train split: give --train-inputs/--train-labels (or --dataset)";
    }
    if (r instanceof StatLimitRule s && !s.split().equals("test") && !(s.split().equals("train") && plan.trainSplit())) {
      return "reads the '" + s.split() + "' split, which this audit does not have (give --train-inputs/--train-labels)";
    }
    if (r instanceof MaxSelfCheckErrorRule && !plan.selfCheck()) {
      return "needs the self-check, which --self-check-samples 0 turns off";
    }
    return null;
  }
}
