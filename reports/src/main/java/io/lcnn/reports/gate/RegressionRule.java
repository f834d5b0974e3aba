package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import java.util.function.ToDoubleFunction;

/**
 * The baseline ratchet for one metric: the metric may not get worse than the baseline's value by
 * more than a relative margin. For a metric where lower is better (curvature, norms) the limit is
 * baseline·(1 + margin); where higher is better (accuracies) it is baseline·(1 − margin).
 *
 * @param metric the metric's name, e.g. {@code curvature.mean}
 * @param higherIsBetter whether a larger value is an improvement
 * @param baseline the baseline audit's value
 * @param margin allowed relative worsening, e.g. 0.1 for 10%
 * @param extract reads the metric from an audit; throws {@link io.lcnn.reports.ReportInputException}
 *     when the audit lacks it
 */
public record RegressionRule(
    String metric, boolean higherIsBetter, double baseline, double margin, ToDoubleFunction<AuditResult> extract)
    implements GateRule {

  @Override
  public String name() {
    return "max-regression " + metric + " " + Fmt.num(100 * margin) + "%";
  }

  /** The bound the current value is compared with. */
  public double limit() {
    return higherIsBetter ? baseline * (1 - margin) : baseline * (1 + margin);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    double actual = extract.applyAsDouble(audit);
    String what = metric + " (baseline " + Fmt.num(baseline) + ")";
    return higherIsBetter
        ? Outcomes.atLeast(name(), what, actual, limit())
        : Outcomes.atMost(name(), what, actual, limit());
  }
}
