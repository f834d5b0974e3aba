package io.lcnn.reports.gate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CI gate policy: the rules an audit must meet, and optionally a baseline audit that the
 * metrics may not get worse than by more than {@code maxRegression} (relative).
 *
 * @param rules the rules, in the order they are reported
 * @param baseline an older audit.json for the ratchet, or null
 * @param maxRegression allowed relative worsening against the baseline (0.1 = 10%); 0 when a
 *     baseline is given without it
 */
public record Policy(List<GateRule> rules, Path baseline, double maxRegression) {

  /** Copies the rule list. */
  public Policy {
    rules = List.copyOf(rules);
  }

  /** A policy with the given rules and no baseline. */
  public static Policy of(List<GateRule> rules) {
    return new Policy(rules, null, 0);
  }

  /** Whether the policy holds no rule and no baseline. */
  public boolean isEmpty() {
    return rules.isEmpty() && baseline == null;
  }

  /** This policy's rules followed by {@code other}'s; {@code other}'s baseline wins when it has one. */
  public Policy plus(Policy other) {
    List<GateRule> all = new ArrayList<>(rules);
    all.addAll(other.rules);
    return other.baseline != null
        ? new Policy(all, other.baseline, other.maxRegression)
        : new Policy(all, baseline, maxRegression);
  }
}
