package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;

/** One CI gate rule: a named condition on an audit that holds or fails. */
public interface GateRule {
  /** The rule as written on the command line, e.g. {@code max-curvature p90=50}. */
  String name();

  /**
   * Evaluates the rule.
   *
   * @throws io.lcnn.reports.ReportInputException when the audit lacks the block the rule reads
   *     (bad input, exit 2, rather than a failed rule)
   */
  GateOutcome evaluate(AuditResult audit);
}
