package io.lcnn.reports.gate;

import io.lcnn.auditor.result.GateOutcome;

/** Builds {@link GateOutcome}s for "at most" and "at least" comparisons (NaN always fails). */
final class Outcomes {
  private Outcomes() {}

  static GateOutcome atMost(String rule, String what, double actual, double limit) {
    boolean ok = actual <= limit;
    return new GateOutcome(rule, ok, actual, limit,
        what + " = " + Fmt.num(actual) + (ok ? " <= " : " > ") + Fmt.num(limit));
  }

  static GateOutcome atLeast(String rule, String what, double actual, double limit) {
    boolean ok = actual >= limit;
    return new GateOutcome(rule, ok, actual, limit,
        what + " = " + Fmt.num(actual) + (ok ? " >= " : " < ") + Fmt.num(limit));
  }
}
