package io.lcnn.cli;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.Stats;
import java.util.Locale;
import java.util.Map;

/** The short plain-text summary {@code lcnn audit} prints on stdout at the end of a run. */
final class AuditSummaryTable {
  private AuditSummaryTable() {}

  /** Per split: n, accuracy, mean/median/p90 of gradient norm, Hessian norm and curvature; then discrepancy and self-check. */
  static String format(AuditResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "model %s (%s output, gradients %s, HVPs %s, on %s)%n",
        r.model().path(), r.model().outputKind(), r.model().gradientMode(), r.model().hvpMode(), r.model().executionProvider()));
    sb.append(String.format(Locale.ROOT, "%-6s %5s %7s  %-30s  %-30s  %-30s%n",
        "split", "n", "acc", "‖∇f‖ mean / median / p90", "‖∇²f‖ mean / median / p90", "C_f mean / median / p90"));
    for (Map.Entry<String, SplitResult> e : r.splits().entrySet()) {
      var s = e.getValue().summary();
      sb.append(String.format(Locale.ROOT, "%-6s %5d %7.4f  %-30s  %-30s  %-30s%n",
          e.getKey(), s.count(), s.accuracy(), three(s.gradNorm()), three(s.hessianSpectralNorm()), three(s.curvature())));
    }
    if (r.trainTestDiscrepancy() != null) {
      var d = r.trainTestDiscrepancy();
      sb.append(String.format(Locale.ROOT, "train-test discrepancy |(test-train)/test|: grad norm %.4f, Hessian norm %.4f, curvature %.4f%n",
          d.gradNorm(), d.hessianSpectralNorm(), d.curvature()));
    }
    if (r.selfCheck() != null) {
      var c = r.selfCheck();
      if (c.verdict() != null) {
        sb.append("self-check on ").append(c.samples()).append(" samples: ").append(c.verdict().toUpperCase(Locale.ROOT))
            .append(": ").append(c.verdictReason()).append('\n');
      }
      sb.append(String.format(Locale.ROOT, "self-check details: HVP rel. diff max %.2e (median %.2e), gradient rel. diff max %.2e%n",
          c.hvpMaxRelativeDifference(), c.hvpMedianRelativeDifference(), c.gradientMaxRelativeDifference()));
    }
    return sb.toString();
  }

  private static String three(Stats s) {
    return String.format(Locale.ROOT, "%.4g / %.4g / %.4g", s.mean(), s.median(), s.p90());
  }
}
