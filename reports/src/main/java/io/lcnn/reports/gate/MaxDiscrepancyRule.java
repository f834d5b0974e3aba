package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.ReportInputException;

/**
 * An upper bound on the train–test discrepancy |(g_test − g_train) / g_test| of one quantity
 * (paper Table 3), e.g. {@code max-discrepancy curvature=0.1}.
 *
 * @param quantity the quantity g
 * @param limit the largest allowed discrepancy (dimensionless)
 */
public record MaxDiscrepancyRule(Quantity quantity, double limit) implements GateRule {
  /** Refuses a negative or non-finite limit. */
  public MaxDiscrepancyRule {
    Limits.nonNegative("a discrepancy limit", limit);
  }


  @Override
  public String name() {
    return "max-discrepancy " + quantity.key() + "=" + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    if (audit.trainTestDiscrepancy() == null) {
      throw new ReportInputException(
          name() + ": the audit has no 'trainTestDiscrepancy' block (audit with --train-inputs/--train-labels)");
    }
    double actual = quantity.discrepancy(audit.trainTestDiscrepancy());
    return Outcomes.atMost(name(), "train-test discrepancy of " + quantity.label(), actual, limit);
  }
}
