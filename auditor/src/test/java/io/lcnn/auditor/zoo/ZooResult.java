package io.lcnn.auditor.zoo;

/**
 * What the exact oracles did on one zoo model against its float64 PyTorch references.
 *
 * @param entry the model
 * @param verdict {@code pass}, or the first failure: {@code unsupported}, {@code error},
 *     {@code output}, {@code loss}, {@code gradient}, {@code hvp}, {@code spectral}
 * @param detail the failure's message (empty on a pass)
 * @param outputErr worst per-sample relative l2 error of the outputs (NaN when not measured)
 * @param gradErr worst per-sample relative l2 error of ∂loss/∂x
 * @param hvpErr worst per-sample relative l2 error of H·probe
 * @param spectralWithin samples whose Hessian spectral norm is within 1% of the reference
 * @param samples samples checked
 * @param spectralErr worst relative error of the spectral norm
 * @param seconds wall time of the check (graph building, sessions, all oracle calls)
 */
record ZooResult(ZooCorpus.Entry entry, String verdict, String detail, double outputErr, double gradErr,
    double hvpErr, int spectralWithin, int samples, double spectralErr, double seconds) {
  boolean passed() {
    return verdict.equals("pass");
  }

  /** One Markdown table row: family, variant, exporter, result and error figures. */
  String row() {
    return String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %.1f |", entry.family(), entry.variant(),
        entry.exporter(), passed() ? "pass" : "**" + verdict + "**" + (detail.isEmpty() ? "" : ": " + shorten(detail)),
        fig(outputErr), fig(gradErr), fig(hvpErr),
        samples == 0 ? "–" : spectralWithin + "/" + samples + " (worst " + fig(spectralErr) + ")", seconds);
  }

  static String header() {
    return "| family | variant | exporter | result | output err | grad err | H·v err | spectral norm within 1% | s |\n"
        + "|---|---|---|---|---|---|---|---|---|";
  }

  private static String fig(double v) {
    return Double.isNaN(v) ? "–" : String.format("%.1e", v);
  }

  private static String shorten(String s) {
    String one = s.replace('|', '/').replace('\n', ' ');
    return one.length() > 160 ? one.substring(0, 157) + "..." : one;
  }
}
