package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.reports.ReportInputException;

/**
 * An upper bound on one statistic of one geometry quantity over a split, e.g. {@code
 * max-curvature p90=50}: the 90th percentile of C_f over the test split is at most 50.
 *
 * @param quantity what is bounded
 * @param statistic which summary statistic
 * @param limit the largest allowed value, in the quantity's units
 * @param split the split ({@code test} unless stated)
 */
public record StatLimitRule(Quantity quantity, Statistic statistic, double limit, String split)
    implements GateRule {
  /** Refuses a negative or non-finite limit. */
  public StatLimitRule {
    Limits.nonNegative("a limit", limit);
  }


  @Override
  public String name() {
    return "max-" + quantity.key() + " " + (split.equals("test") ? "" : split + ".")
        + statistic.key() + "=" + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    SplitResult s = audit.splits().get(split);
    if (s == null) {
      throw new ReportInputException(name() + ": the audit has no '" + split + "' split");
    }
    double actual = statistic.of(quantity.stats(s.summary()));
    return Outcomes.atMost(name(), statistic.key() + " " + quantity.label() + " on " + split, actual, limit);
  }
}
