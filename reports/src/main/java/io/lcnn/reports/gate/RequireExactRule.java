package io.lcnn.reports.gate;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GateOutcome;
import io.lcnn.auditor.result.ModelInfo;

/**
 * Requires that gradients and Hessian-vector products were exact (differentiated graph), with no
 * finite-difference fallback: {@code require-exact}. Actual is the number of inexact modes (0–2).
 */
public record RequireExactRule() implements GateRule {

  @Override
  public String name() {
    return "require-exact";
  }

  @Override
  public GateOutcome evaluate(AuditResult audit) {
    ModelInfo m = audit.model();
    int inexact = ("exact".equals(m.gradientMode()) ? 0 : 1) + ("exact".equals(m.hvpMode()) ? 0 : 1);
    String msg = "gradient " + m.gradientMode() + ", HVP " + m.hvpMode();
    if (m.fallbackReasons() != null && !m.fallbackReasons().isEmpty()) {
      msg += " (fallback: " + String.join("; ", m.fallbackReasons()) + ")";
    }
    return new GateOutcome(name(), inexact == 0, inexact, 0, msg);
  }
}
