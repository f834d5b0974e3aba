package io.lcnn.reports.console;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.reports.Numbers;
import io.lcnn.reports.gate.RobustAccuracy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * A fixed-width plain-text summary of one or several audits, for the end of {@code lcnn audit}
 * and {@code lcnn demo}: one row per model with test accuracy, mean gradient norm, mean Hessian
 * norm, mean and p90 curvature (the paper's Table 1), worst-case robust accuracy per ε (Table 2)
 * and, when a train split was audited, the train–test discrepancies (Table 3).
 */
public final class ConsoleTable {
  private ConsoleTable() {}

  /**
   * Renders the table.
   *
   * @param audits display name to audit, in row order (use a {@link java.util.LinkedHashMap})
   * @return lines separated by {@code \n}, ending with a newline
   */
  public static String render(Map<String, AuditResult> audits) {
    List<String> header = new ArrayList<>(List.of(
        "model", "samples", "accuracy", "mean |grad|", "mean |Hessian|", "mean curvature", "p90 curvature"));
    TreeSet<Double> eps = new TreeSet<>();
    boolean anyTrain = false;
    for (AuditResult a : audits.values()) {
      if (a.attacks() != null) {
        eps.addAll(a.attacks().eps());
      }
      anyTrain |= a.trainTestDiscrepancy() != null;
    }
    for (double e : eps) {
      header.add("robust@" + Numbers.sig4(e));
    }
    if (anyTrain) {
      header.addAll(List.of("dTT |grad|", "dTT |Hessian|", "dTT curvature"));
    }
    header.add("grad/HVP");
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    for (Map.Entry<String, AuditResult> e : audits.entrySet()) {
      rows.add(row(e.getKey(), e.getValue(), eps, anyTrain));
    }
    StringBuilder sb = new StringBuilder(format(rows));
    if (anyTrain) {
      sb.append("dTT = train-test discrepancy |(test - train) / test| of the split means (paper Table 3).\n");
    }
    if (!eps.isEmpty()) {
      sb.append("robust@eps = worst-case l2 robust accuracy over the attacks run, eps in input units.\n");
    }
    return sb.toString();
  }

  /** Renders a single audit under the given name. */
  public static String render(String name, AuditResult audit) {
    return render(Map.of(name, audit));
  }

  private static List<String> row(String name, AuditResult a, TreeSet<Double> eps, boolean anyTrain) {
    SplitSummary t = a.splits().get("test").summary();
    List<String> r = new ArrayList<>(List.of(
        name, Integer.toString(t.count()), Numbers.percent(t.accuracy()), Numbers.sig4(t.gradNorm().mean()),
        Numbers.sig4(t.hessianSpectralNorm().mean()), Numbers.sig4(t.curvature().mean()),
        Numbers.sig4(t.curvature().p90())));
    AttackResults at = a.attacks();
    for (double e : eps) {
      OptionalDouble v = at == null ? OptionalDouble.empty() : RobustAccuracy.worstCase(at, e);
      r.add(v.isPresent() ? Numbers.percent(v.getAsDouble()) : "-");
    }
    if (anyTrain) {
      Discrepancy d = a.trainTestDiscrepancy();
      r.add(d == null ? "-" : Numbers.sig4(d.gradNorm()));
      r.add(d == null ? "-" : Numbers.sig4(d.hessianSpectralNorm()));
      r.add(d == null ? "-" : Numbers.sig4(d.curvature()));
    }
    r.add(a.model().gradientMode() + "/" + a.model().hvpMode());
    return r;
  }

  private static String format(List<List<String>> rows) {
    int cols = rows.get(0).size();
    int[] w = new int[cols];
    for (List<String> r : rows) {
      for (int c = 0; c < cols; c++) {
        w[c] = Math.max(w[c], printable(r.get(c)).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      List<String> r = rows.get(i);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        String cell = printable(r.get(c));
        String pad = " ".repeat(w[c] - cell.length());
        line.append(c == 0 ? cell + pad : pad + cell);
        if (c < cols - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (i == 0) {
        int total = 0;
        for (int x : w) {
          total += x;
        }
        sb.append("-".repeat(total + 2 * (cols - 1))).append('\n');
      }
    }
    return sb.toString();
  }

  /** Replaces control characters (a model name could hold terminal escapes) with '?'. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return sb.toString();
  }
}
