package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.reports.ReportInputException;

/**
 * A lower bound on clean accuracy over a split, e.g. {@code min-accuracy 0.85}.
 *
 * @param limit the smallest allowed accuracy, in [0, 1]
 * @param split the split ({@code test} unless stated)
 */
public record MinAccuracyRule(double limit, String split) implements GateRule {
  /** Refuses a limit outside [0, 1]. */
  public MinAccuracyRule {
    Limits.share("an accuracy limit", limit);
  }


  @Override
  public String name() {
    return "min-accuracy " + (split.equals("test") ? "" : split + "=") + Fmt.num(limit);
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    SplitResult s = audit.splits().get(split);
    if (s == null) {
      throw new ReportInputException(name() + ": the audit has no '" + split + "' split");
    }
    return Outcomes.atLeast(name(), "accuracy on " + split, s.summary().accuracy(), limit);
  }
}
