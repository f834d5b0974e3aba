package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.ReportInputException;
import java.util.OptionalDouble;

/**
 * A lower bound on l2 robust accuracy at one radius, worst case over the attacks the audit ran,
 * e.g. {@code min-robust-accuracy 0.1=0.6}.
 *
 * @param eps the attack radius, in input units (l2 over the whole input)
 * @param limit the smallest allowed robust accuracy, in [0, 1]
 */
public record MinRobustAccuracyRule(double eps, double limit) implements GateRule {
  /** Refuses a radius that is not positive and a limit outside [0, 1]. */
  public MinRobustAccuracyRule {
    Limits.positive("an attack radius", eps);
    Limits.share("a robust-accuracy limit", limit);
  }


  @Override
  public String name() {
    return "min-robust-accuracy " + Fmt.num(eps) + "=" + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    if (audit.attacks() == null) {
      throw new ReportInputException(name() + ": the audit has no 'attacks' block (run lcnn audit with --pgd-eps)");
    }
    OptionalDouble acc = RobustAccuracy.worstCase(audit.attacks(), eps);
    if (acc.isEmpty()) {
      throw new ReportInputException(
          name() + ": the audit did not attack at eps " + Fmt.num(eps) + " (attacks.eps = " + audit.attacks().eps() + ")");
    }
    return Outcomes.atLeast(name(), "worst-case robust accuracy at eps " + Fmt.num(eps), acc.getAsDouble(), limit);
  }
}
