package io.lcnn.reports.gate;

import io.lcnn.auditor.result.GateOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcomes of every rule of a policy on one audit.
 *
 * @param audit display name of the audit that was gated
 * @param outcomes one outcome per rule, in policy order
 */
public record GateReport(String audit, List<GateOutcome> outcomes) {

  /** Copies the outcome list. */
  public GateReport {
    outcomes = List.copyOf(outcomes);
  }

  /** Whether every rule held (true for an empty policy). */
  public boolean passed() {
    return outcomes.stream().allMatch(GateOutcome::passed);
  }

  /** Number of rules that failed. */
  public int failures() {
    return (int) outcomes.stream().filter(o -> !o.passed()).count();
  }

  /** One line per rule, {@code PASS rule: message} or {@code FAIL rule: message}. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (GateOutcome o : outcomes) {
      out.add((o.passed() ? "PASS " : "FAIL ") + o.rule() + ": " + o.message());
    }
    return out;
  }

  /** The exit code the CLI uses: 0 when every rule held, 1 otherwise. */
  public int exitCode() {
    return passed() ? 0 : 1;
  }
}
