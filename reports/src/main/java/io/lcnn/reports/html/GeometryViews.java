package io.lcnn.reports.html;

import io.lcnn.auditor.bound.BoundReport;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.HessianSpectrum;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.Stats;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.html.ReportView.Cell;
import io.lcnn.reports.html.ReportView.Chart;
import io.lcnn.reports.html.ReportView.Geometry;
import io.lcnn.reports.html.ReportView.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The report's curvature-bound section: per model, Theorem 1's bounds next to the measured maxima
 * over all audited samples (and their ratio, the bound's tightness), the Hessian's extreme
 * eigenvalues and SLQ moments, and one SLQ density chart per model.
 */
final class GeometryViews {
  private GeometryViews() {}

  static Geometry build(List<LoadedAudit> audits) {
    return new Geometry(bounds(audits), spectra(audits), densities(audits));
  }

  private static Table bounds(List<LoadedAudit> audits) {
    if (audits.stream().allMatch(a -> a.result().curvatureBound() == null)) {
      return null;
    }
    List<List<Cell>> rows = new ArrayList<>();
    for (LoadedAudit a : audits) {
      BoundReport b = a.result().curvatureBound();
      if (b == null) {
        rows.add(List.of(ComparisonTables.text(a.name()), ComparisonTables.text("not computed"),
            ComparisonTables.text("–"), ComparisonTables.text("–"), ComparisonTables.text("–"),
            ComparisonTables.text("–"), ComparisonTables.text("–")));
        continue;
      }
      double c = max(a.result(), s -> s.curvature());
      double h = max(a.result(), s -> s.hessianSpectralNorm());
      rows.add(List.of(
          ComparisonTables.text(a.name()),
          bound(b.curvatureBound()),
          ComparisonTables.num(c),
          b.curvatureBound() == null ? ComparisonTables.text("–") : ComparisonTables.ratio(b.curvatureBound() / c),
          bound(b.hessianNormBound()),
          ComparisonTables.num(h),
          ComparisonTables.text(b.noBound() == null ? ""
              : "no bound at " + b.noBound().node() + " (" + b.noBound().op() + "): " + b.noBound().reason())));
    }
    return new Table(List.of("model", "bound on C_f", "measured max C_f", "bound / max", "bound on ‖∇²f‖",
        "measured max ‖∇²f‖", "note"), rows,
        "Theorem 1: C_f ≤ Σ_i n_i·C_i·Π_{j<i} L_j over the layers (loss last), with each linear layer's norm by power "
            + "iteration; the Hessian-norm bound Σ_i K_i·(Π_{j<i} L_j)²·Π_{j>i} L_j. Measured maxima over every "
            + "audited sample of both splits. The loss is cross-entropy of softmax(logits).");
  }

  private static Cell bound(Double v) {
    return v == null ? ComparisonTables.text("none") : ComparisonTables.num(v);
  }

  private static double max(AuditResult r, Function<io.lcnn.auditor.result.SplitSummary, Stats> f) {
    double m = Double.NaN;
    for (SplitResult s : r.splits().values()) {
      double v = f.apply(s.summary()).max();
      m = Double.isNaN(m) ? v : Math.max(m, v);
    }
    return m;
  }

  private static Table spectra(List<LoadedAudit> audits) {
    if (audits.stream().allMatch(a -> a.result().spectrum() == null)) {
      return null;
    }
    List<List<Cell>> rows = new ArrayList<>();
    for (LoadedAudit a : audits) {
      HessianSpectrum s = a.result().spectrum();
      if (s == null) {
        continue;
      }
      double neg = s.samples().stream().filter(x -> x.mostNegative() != null)
          .mapToDouble(HessianSpectrum.SampleSpectrum::mostNegative).average().orElse(Double.NaN);
      double pos = s.samples().stream().filter(x -> x.mostPositive() != null)
          .mapToDouble(HessianSpectrum.SampleSpectrum::mostPositive).average().orElse(Double.NaN);
      double[] m = s.density() == null ? new double[] {Double.NaN, Double.NaN} : s.density().moments();
      rows.add(List.of(ComparisonTables.text(a.name()), ComparisonTables.text(Integer.toString(s.samples().size())),
          ComparisonTables.num(neg), ComparisonTables.num(pos), ComparisonTables.num(m[0]),
          ComparisonTables.num(m[1])));
    }
    return new Table(List.of("model", "samples", "mean most negative λ", "mean most positive λ", "SLQ tr(H)/d",
        "SLQ tr(H²)/d"), rows,
        "Lanczos on exact Hessian-vector products of the first test samples; SLQ moments average the samples.");
  }

  private static List<Chart> densities(List<LoadedAudit> audits) {
    List<Chart> out = new ArrayList<>();
    for (int i = 0; i < audits.size(); i++) {
      LoadedAudit a = audits.get(i);
      HessianSpectrum s = a.result().spectrum();
      if (s == null || s.density() == null) {
        continue;
      }
      String id = "chart-density-" + i;
      out.add(new Chart(id, "Hessian eigenvalue density · " + a.name(),
          ChartSvg.lines(id, "eigenvalue λ of ∇²f (loss per squared input unit)", "density φ(λ)", false, true,
              List.of(new ChartSvg.Line(a.name(), s.density().grid(), s.density().values(), i, false))),
          "Stochastic Lanczos quadrature: " + s.probes() + " Rademacher probes × " + s.slqSteps()
              + " Lanczos steps per sample over " + s.samples().size() + " test samples, Gaussian kernel width "
              + io.lcnn.reports.Numbers.sig4(s.kernelWidth()) + "; log scale."));
    }
    return out;
  }
}
