package io.lcnn.reports.html;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.GradientStability.RadiusStability;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SmallestRadii;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.html.ReportView.Cell;
import io.lcnn.reports.html.ReportView.Chart;
import io.lcnn.reports.html.ReportView.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Builds the report's charts from the audits (model i drawn in colour i). */
final class ReportCharts {
  private ReportCharts() {}

  /** Histograms of gradient norm, Hessian norm and curvature, one chart per quantity and split. */
  static List<Chart> distributions(List<LoadedAudit> audits) {
    List<Chart> charts = new ArrayList<>();
    for (String split : List.of("test", "train")) {
      if (audits.stream().noneMatch(a -> a.result().splits().containsKey(split))) {
        continue;
      }
      charts.add(histogram(audits, split, "grad-norm", "Gradient norm ‖∇f‖₂", SampleGeometry::gradNorm));
      charts.add(histogram(audits, split, "hessian-norm", "Hessian spectral norm ‖∇²f‖₂",
          SampleGeometry::hessianSpectralNorm));
      charts.add(histogram(audits, split, "curvature", "Normalized curvature C_f", SampleGeometry::curvature));
    }
    return charts;
  }

  private static Chart histogram(
      List<LoadedAudit> audits, String split, String key, String label, ToDoubleFunction<SampleGeometry> f) {
    Map<String, double[]> series = new LinkedHashMap<>();
    List<Integer> colors = new ArrayList<>();
    for (int i = 0; i < audits.size(); i++) {
      SplitResult s = audits.get(i).result().splits().get(split);
      if (s != null) {
        series.put(unique(series, audits.get(i).name()), s.samples().stream().mapToDouble(f).toArray());
        colors.add(i);
      }
    }
    String id = "chart-" + key + "-" + split;
    return new Chart(id, label + " — " + split + " split", ChartSvg.histogram(id, label + " (log scale)", series, colors),
        "Share of " + split + " samples per log-spaced bin; values ≤ 0 are left out.");
  }

  /** The stability curve on log–log axes with Proposition 1's prediction, or null when not run. */
  static Chart stability(List<LoadedAudit> audits) {
    List<ChartSvg.Line> lines = new ArrayList<>();
    for (int i = 0; i < audits.size(); i++) {
      GradientStability g = audits.get(i).result().gradientStability();
      if (g == null) {
        continue;
      }
      double[] r = g.radii().stream().mapToDouble(RadiusStability::radius).toArray();
      String n = audits.get(i).name();
      lines.add(new ChartSvg.Line(n + ": measured mean", r,
          g.radii().stream().mapToDouble(RadiusStability::mean).toArray(), i, false));
      lines.add(new ChartSvg.Line(n + ": r·E C_f (Prop. 1)", r,
          g.radii().stream().mapToDouble(RadiusStability::predictedMean).toArray(), i, true));
    }
    if (lines.isEmpty()) {
      return null;
    }
    return new Chart("chart-stability", "Relative gradient change under noise",
        ChartSvg.lines("chart-stability", "noise radius r (l2, input units)", "‖∇f(x+rδ) − ∇f(x)‖ / ‖∇f(x)‖",
            true, true, lines),
        "Solid: measured mean over samples and random unit directions δ. Dashed: Proposition 1's "
            + "first-order prediction r·C_f(x), averaged. Lower is more stable; a slope of 1 is linear in r.");
  }

  /** Per-model stability figures. */
  static List<Table> stabilityTables(List<LoadedAudit> audits) {
    List<Table> tables = new ArrayList<>();
    for (LoadedAudit a : audits) {
      GradientStability g = a.result().gradientStability();
      if (g == null) {
        continue;
      }
      List<List<Cell>> rows = new ArrayList<>();
      for (RadiusStability r : g.radii()) {
        rows.add(List.of(ComparisonTables.num(r.radius()), ComparisonTables.num(r.mean()),
            ComparisonTables.num(r.median()), ComparisonTables.num(r.p90()), ComparisonTables.num(r.predictedMean())));
      }
      tables.add(new Table(List.of("r", "mean", "median", "p90", "predicted r·C_f"), rows,
          a.name() + ": " + g.directions() + " directions per sample, noise from " + g.noiseSource()));
    }
    return tables;
  }

  /** Robust accuracy against ε per attack (and worst case), or null when no attack ran. */
  static Chart robustness(List<LoadedAudit> audits) {
    List<ChartSvg.Line> lines = new ArrayList<>();
    for (int i = 0; i < audits.size(); i++) {
      AttackResults at = audits.get(i).result().attacks();
      if (at == null) {
        continue;
      }
      String n = audits.get(i).name();
      for (Map.Entry<String, Map<String, Double>> e : at.accuracy().entrySet()) {
        lines.add(curve(n + ": " + e.getKey(), at.cleanAccuracy(), e.getValue(), i, false));
      }
      if (at.worstCaseAccuracy() != null && at.accuracy().size() > 1) {
        lines.add(curve(n + ": worst case", at.cleanAccuracy(), at.worstCaseAccuracy(), i, true));
      }
      if (at.smallestRadii() != null && at.smallestRadii().curve() != null) {
        List<SmallestRadii.CurvePoint> c = at.smallestRadii().curve();
        lines.add(new ChartSvg.Line(n + ": from smallest radii (" + at.smallestRadii().attack() + ")",
            c.stream().mapToDouble(SmallestRadii.CurvePoint::eps).toArray(),
            c.stream().mapToDouble(SmallestRadii.CurvePoint::accuracy).toArray(), i, true));
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    return new Chart("chart-robustness", "Robust accuracy against attack radius",
        ChartSvg.lines("chart-robustness", "attack radius ε (l2, input units)", "robust accuracy", false, false, lines),
        "Accuracy under untargeted l2 attacks; ε = 0 is clean accuracy. Dashed: worst case over attacks.");
  }

  /**
   * Per sample, Proposition 2's quadratic-model radius against the smallest breaking radius
   * found, log–log, with the Spearman rank correlation in the caption; null when no audit has both.
   */
  static Chart radiusScatter(List<LoadedAudit> audits) {
    List<ChartSvg.Line> series = new ArrayList<>();
    StringBuilder rho = new StringBuilder();
    for (int i = 0; i < audits.size(); i++) {
      AttackResults at = audits.get(i).result().attacks();
      SmallestRadii r = at == null ? null : at.smallestRadii();
      if (r == null || r.quadraticModelRadius() == null) {
        continue;
      }
      int n = r.radius().size();
      double[] x = new double[n];
      double[] y = new double[n];
      for (int k = 0; k < n; k++) {
        Double q = r.quadraticModelRadius().get(k);
        Double m = r.radius().get(k);
        x[k] = q == null ? Double.NaN : q;
        y[k] = m == null ? Double.NaN : m;
      }
      series.add(new ChartSvg.Line(audits.get(i).name(), x, y, i, false));
      rho.append(rho.length() == 0 ? "" : "; ").append(audits.get(i).name()).append(": Spearman ρ = ")
          .append(r.rankCorrelation() == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", r.rankCorrelation()))
          .append(" over ").append(r.rankCorrelationSamples()).append(" samples");
    }
    if (series.isEmpty()) {
      return null;
    }
    return new Chart("chart-radius-scatter", "Proposition 2's radius against the smallest breaking radius",
        ChartSvg.scatter("chart-radius-scatter", "quadratic-model radius (Prop. 2, input units)",
            "smallest breaking radius found (l2, input units)", true, series),
        "One point per correctly classified sample that an attack broke. x: the radius at which the local quadratic "
            + "model r‖∇f‖ + r²‖∇²f‖ reaches the loss rise ln(1 + p_y − p_c) to the runner-up class; an estimate from "
            + "local geometry, not a certificate. y: the nearest misclassified point found (FMN or the ε-attacks). " + rho + ".");
  }

  private static ChartSvg.Line curve(String name, double clean, Map<String, Double> byEps, int color, boolean dashed) {
    Map<Double, Double> sorted = new java.util.TreeMap<>();
    sorted.put(0.0, clean);
    for (Map.Entry<String, Double> e : byEps.entrySet()) {
      sorted.put(Double.parseDouble(e.getKey()), e.getValue());
    }
    double[] x = sorted.keySet().stream().mapToDouble(Double::doubleValue).toArray();
    double[] y = sorted.values().stream().mapToDouble(Double::doubleValue).toArray();
    return new ChartSvg.Line(name, x, y, color, dashed);
  }

  private static String unique(Map<String, ?> existing, String name) {
    String n = name;
    for (int k = 2; existing.containsKey(n); k++) {
      n = name + " (" + k + ")";
    }
    return n;
  }
}
