package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.ReportInputException;

/**
 * An upper bound on the self-check's largest relative difference between exact and
 * finite-difference Hessian-vector products: {@code max-self-check-error 0.01}.
 *
 * @param limit the largest allowed relative difference (dimensionless)
 */
public record MaxSelfCheckErrorRule(double limit) implements GateRule {
  /** Refuses a negative or non-finite limit. */
  public MaxSelfCheckErrorRule {
    Limits.nonNegative("a self-check error limit", limit);
  }


  @Override
  public String name() {
    return "max-self-check-error " + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    if (audit.selfCheck() == null) {
      throw new ReportInputException(name() + ": the audit has no 'selfCheck' block");
    }
    return Outcomes.atMost(name(), "max relative HVP difference (exact vs finite difference)",
        audit.selfCheck().hvpMaxRelativeDifference(), limit);
  }
}
