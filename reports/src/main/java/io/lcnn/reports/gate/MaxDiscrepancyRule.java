package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.DiscrepancyUncertainty;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.ReportInputException;

/**
 * An upper bound on the train–test discrepancy |(g_test − g_train) / g_test| of one quantity
 * (paper Table 3), e.g. {@code max-discrepancy curvature=0.1}; with {@code upper}
 * ({@code curvature:upper=0.1}) the limit applies to the upper end of the discrepancy's bootstrap
 * confidence interval instead of the point value.
 *
 * @param quantity the quantity g
 * @param limit the largest allowed discrepancy (dimensionless)
 * @param upper whether the interval's upper end is gated
 */
public record MaxDiscrepancyRule(Quantity quantity, double limit, boolean upper) implements GateRule {
  /** The suffix of a quantity that gates the interval's upper end. */
  public static final String UPPER_SUFFIX = ":upper";

  /** Refuses a negative or non-finite limit. */
  public MaxDiscrepancyRule {
    Limits.nonNegative("a discrepancy limit", limit);
  }

  /** A rule on the point value. */
  public MaxDiscrepancyRule(Quantity quantity, double limit) {
    this(quantity, limit, false);
  }

  /** The rule of a key {@code Q} or {@code Q:upper} and its limit. */
  public static MaxDiscrepancyRule parse(String key, double limit) {
    boolean upper = key.trim().endsWith(UPPER_SUFFIX);
    String q = upper ? key.trim().substring(0, key.trim().length() - UPPER_SUFFIX.length()) : key;
    return new MaxDiscrepancyRule(Quantity.parse(q), limit, upper);
  }

  @Override
  public String name() {
    return "max-discrepancy " + quantity.key() + (upper ? UPPER_SUFFIX : "") + "=" + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    Discrepancy d = audit.trainTestDiscrepancy();
    if (d == null) {
      throw new ReportInputException(
          name() + ": the audit has no 'trainTestDiscrepancy' block (audit with --train-inputs/--train-labels)");
    }
    if (!upper) {
      return Outcomes.atMost(name(), "train-test discrepancy of " + quantity.label(), quantity.discrepancy(d), limit);
    }
    if (d.uncertainty() == null) {
      throw new ReportInputException(name() + ": the audit has no 'trainTestDiscrepancy.uncertainty' block"
          + " (written by lcnn audit since the bootstrap intervals were added)");
    }
    DiscrepancyUncertainty u = d.uncertainty();
    DiscrepancyUncertainty.QuantityUncertainty q = switch (quantity) {
      case GRAD_NORM -> u.gradNorm();
      case HESSIAN_NORM -> u.hessianSpectralNorm();
      case CURVATURE -> u.curvature();
    };
    return Outcomes.atMost(name(), "upper end of the " + Fmt.num(100 * u.level()) + "% interval of the train-test"
        + " discrepancy of " + quantity.label(), q.discrepancy().high(), limit);
  }
}
