package io.lcnn.reports.html;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.GradientStability.RadiusStability;
import io.lcnn.auditor.result.SampleGeometry;
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
    }
    if (lines.isEmpty()) {
      return null;
    }
    return new Chart("chart-robustness", "Robust accuracy against attack radius",
        ChartSvg.lines("chart-robustness", "attack radius ε (l2, input units)", "robust accuracy", false, false, lines),
        "Accuracy under untargeted l2 attacks; ε = 0 is clean accuracy. Dashed: worst case over attacks.");
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
