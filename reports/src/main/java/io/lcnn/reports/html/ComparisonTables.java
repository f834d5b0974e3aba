package io.lcnn.reports.html;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.Numbers;
import io.lcnn.reports.gate.RobustAccuracy;
import io.lcnn.reports.html.ReportView.Cell;
import io.lcnn.reports.html.ReportView.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;

/** The paper's comparison tables, one row per audited model. */
final class ComparisonTables {
  private ComparisonTables() {}

  /** Table 1: test-split geometry and accuracy, with mean curvature relative to the first model. */
  static Table geometry(List<LoadedAudit> audits) {
    double ref = audits.get(0).result().splits().get("test").summary().curvature().mean();
    List<List<Cell>> rows = new ArrayList<>();
    for (LoadedAudit a : audits) {
      SplitSummary s = a.result().splits().get("test").summary();
      rows.add(List.of(
          text(a.name()), num(s.count()), pct(s.accuracy()), num(s.gradNorm().mean()),
          num(s.hessianSpectralNorm().mean()), num(s.curvature().mean()), num(s.curvature().median()),
          num(s.curvature().p90()), ratio(s.curvature().mean() / ref)));
    }
    return new Table(List.of("model", "samples", "accuracy", "E ‖∇f‖", "E ‖∇²f‖", "E C_f", "median C_f",
        "p90 C_f", "E C_f vs " + audits.get(0).name()), rows,
        "Test split. ‖∇f‖ and ‖∇²f‖ are l2 / spectral norms of the input gradient and Hessian of the "
            + "cross-entropy loss; C_f = ‖∇²f‖ / (‖∇f‖ + ε).");
  }

  /** Table 2: worst-case robust accuracy per ε, or null when no audit ran attacks. */
  static Table robustness(List<LoadedAudit> audits) {
    TreeSet<Double> eps = new TreeSet<>();
    for (LoadedAudit a : audits) {
      if (a.result().attacks() != null) {
        eps.addAll(a.result().attacks().eps());
      }
    }
    if (eps.isEmpty()) {
      return null;
    }
    List<String> header = new ArrayList<>(List.of("model", "attacks", "clean"));
    for (double e : eps) {
      header.add("ε = " + Numbers.sig4(e));
    }
    List<List<Cell>> rows = new ArrayList<>();
    for (LoadedAudit a : audits) {
      AttackResults at = a.result().attacks();
      List<Cell> r = new ArrayList<>();
      r.add(text(a.name()));
      if (at == null) {
        r.add(text("not run"));
        r.add(text("–"));
      } else {
        r.add(text(String.join(" + ", at.accuracy().keySet()) + " (" + at.steps() + " steps, " + at.restarts()
            + " restarts, n=" + at.samples() + ")"));
        r.add(pct(at.cleanAccuracy()));
      }
      for (double e : eps) {
        OptionalDouble v = at == null ? OptionalDouble.empty() : RobustAccuracy.worstCase(at, e);
        r.add(v.isPresent() ? pct(v.getAsDouble()) : text("–"));
      }
      rows.add(r);
    }
    return new Table(header, rows,
        "Accuracy under untargeted l2 attacks of radius ε (input units), worst case over the attacks run.");
  }

  /** Table 3: train–test discrepancy, or null when no audit had a train split. */
  static Table discrepancy(List<LoadedAudit> audits) {
    if (audits.stream().allMatch(a -> a.result().trainTestDiscrepancy() == null)) {
      return null;
    }
    List<List<Cell>> rows = new ArrayList<>();
    for (LoadedAudit a : audits) {
      Discrepancy d = a.result().trainTestDiscrepancy();
      rows.add(d == null
          ? List.of(text(a.name()), text("no train split"), text("–"), text("–"))
          : d.uncertainty() == null
              ? List.of(text(a.name()), num(d.gradNorm()), num(d.hessianSpectralNorm()), num(d.curvature()))
              : List.of(text(a.name()), withInterval(d.gradNorm(), d.uncertainty().gradNorm()),
                  withInterval(d.hessianSpectralNorm(), d.uncertainty().hessianSpectralNorm()),
                  withInterval(d.curvature(), d.uncertainty().curvature())));
    }
    return new Table(List.of("model", "Δ E‖∇f‖", "Δ E‖∇²f‖", "Δ E C_f"), rows,
        "Δ g = |(g_test − g_train) / g_test| for the split means; small means the quantity generalizes. In brackets:"
            + " the 95% percentile-bootstrap interval of Δ g (seeded, 2000 resamples); p: two-sided Mann–Whitney U"
            + " test of equal test and train distributions.");
  }

  /** A discrepancy with its bootstrap interval and Mann–Whitney p-value. */
  static Cell withInterval(double v, io.lcnn.auditor.result.DiscrepancyUncertainty.QuantityUncertainty u) {
    return new Cell(Numbers.sig4(v) + " [" + Numbers.sig4(u.discrepancy().low()) + ", "
        + Numbers.sig4(u.discrepancy().high()) + "] p=" + Numbers.sig4(u.pValue()), sortKey(v));
  }

  static Cell text(String s) {
    return new Cell(s, null);
  }

  static Cell num(double v) {
    return new Cell(Numbers.sig4(v), sortKey(v));
  }

  static Cell pct(double v) {
    return new Cell(Numbers.percent(v), sortKey(v));
  }

  static Cell ratio(double v) {
    return new Cell(Double.isFinite(v) ? Numbers.sig4(v) + "×" : "n/a", sortKey(v));
  }

  static String sortKey(double v) {
    return Double.isNaN(v) ? "NaN" : Double.toString(v);
  }
}
