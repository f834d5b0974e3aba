package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.reports.LoadedAudit;
import java.util.ArrayList;
import java.util.List;

/** Applies a {@link Policy} to an audit: the CI gate. */
public final class Gate {
  private Gate() {}

  /**
   * Evaluates every rule of {@code policy} on {@code audit}, then the baseline ratchet when the
   * policy names a baseline (read from disk here).
   *
   * @param name display name of the audit, for reports
   * @throws io.lcnn.reports.ReportInputException when a rule reads a block the audit lacks, or the
   *     baseline cannot be read
   */
  public static GateReport evaluate(String name, AuditResult audit, Policy policy) {
    List<GateRule> rules = new ArrayList<>(policy.rules());
    if (policy.baseline() != null) {
      AuditResult base = LoadedAudit.load(policy.baseline()).result();
      rules.addAll(Regressions.rules(base, policy.maxRegression()));
    }
    List<GateOutcome> outcomes = new ArrayList<>();
    for (GateRule r : rules) {
      outcomes.add(r.evaluate(audit));
    }
    return new GateReport(name, outcomes);
  }

  /** {@link #evaluate(String, AuditResult, Policy)} under the name of the audited model file. */
  public static GateReport evaluate(AuditResult audit, Policy policy) {
    return evaluate(audit.model().path(), audit, policy);
  }
}
