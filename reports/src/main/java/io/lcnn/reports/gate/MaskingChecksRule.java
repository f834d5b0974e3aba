package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.reports.ReportInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Requires that every gradient-masking check passed: {@code require-masking-checks}. Actual is
 * the number of failed checks.
 */
public record MaskingChecksRule() implements GateRule {

  @Override
  public String name() {
    return "require-masking-checks";
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    if (audit.maskingChecks() == null) {
      throw new ReportInputException(name() + ": the audit has no 'maskingChecks' block (run lcnn audit with attacks)");
    }
    List<String> failed = new ArrayList<>();
    for (MaskingCheck m : audit.maskingChecks()) {
      if (!m.passed()) {
        failed.add(m.name());
      }
    }
    String msg = failed.isEmpty()
        ? "all " + audit.maskingChecks().size() + " masking checks passed"
        : failed.size() + " of " + audit.maskingChecks().size() + " masking checks failed: " + String.join(", ", failed);
    return new GateOutcome(name(), failed.isEmpty(), failed.size(), 0, msg);
  }
}
