package io.lcnn.reports.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.Numbers;
import io.lcnn.reports.html.ReportView.Cell;
import io.lcnn.reports.html.ReportView.Masking;
import io.lcnn.reports.html.ReportView.ModelView;
import io.lcnn.reports.html.ReportView.Pair;
import io.lcnn.reports.html.ReportView.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Builds the per-model parts of the report: model card, masking checks, gallery, sample table. */
final class ModelViews {
  /** Rows of the per-sample table per model (highest curvature first); the rest are counted. */
  static final int MAX_SAMPLE_ROWS = 1000;

  private ModelViews() {}

  static ModelView build(LoadedAudit audit, int index) {
    AuditResult r = audit.result();
    ModelInfo m = r.model();
    List<Pair> metadata = new ArrayList<>();
    StringBuilder training = new StringBuilder();
    if (m.metadata() != null) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(m.metadata()).entrySet()) {
        String pretty = prettyJson(e.getValue());
        if (pretty != null && e.getKey().toLowerCase(java.util.Locale.ROOT).contains("train")) {
          training.append(training.length() == 0 ? "" : "\n\n").append(e.getKey()).append(":\n").append(pretty);
        } else {
          metadata.add(new Pair(e.getKey(), e.getValue()));
        }
      }
    }
    List<Pair> opHistogram = new ArrayList<>();
    if (m.opHistogram() != null) {
      m.opHistogram().entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .forEach(e -> opHistogram.add(new Pair(e.getKey(), Integer.toString(e.getValue()))));
    }
    Gallery.Result gallery = Gallery.build(audit);
    return new ModelView(audit.name(), ChartSvg.cssColor(index), card(audit), opHistogram, settings(r),
        m.fallbackReasons() == null ? List.of() : m.fallbackReasons(), metadata,
        training.length() == 0 ? null : training.toString(), selfCheck(r.selfCheck()), masking(r),
        gallery.items(), gallery.note(), samples(audit));
  }

  private static List<Pair> card(LoadedAudit audit) {
    AuditResult r = audit.result();
    ModelInfo m = r.model();
    List<Pair> c = new ArrayList<>();
    c.add(new Pair("model file", m.path()));
    c.add(new Pair("sha256", m.sha256()));
    c.add(new Pair("audit file", audit.file().toString()));
    c.add(new Pair("opset / IR version", m.opset() + " / " + m.irVersion()));
    c.add(new Pair("producer", str(m.producer())));
    c.add(new Pair("parameters", String.format(java.util.Locale.ROOT, "%,d", m.parameterCount())));
    c.add(new Pair("input", str(m.inputName()) + " " + (m.inputShape() == null ? "" : m.inputShape().toString())));
    c.add(new Pair("input range", m.inputRange() == null ? "not recorded" : Arrays.toString(m.inputRange())));
    c.add(new Pair("output", str(m.outputName()) + " (" + str(m.outputKind()) + ", " + m.numClasses() + " classes)"));
    c.add(new Pair("execution provider", str(m.executionProvider())));
    c.add(new Pair("gradient / HVP", str(m.gradientMode()) + " / " + str(m.hvpMode())));
    c.add(new Pair("seed", Long.toString(r.settings().seed())));
    c.add(new Pair("written by", str(r.tool()) + ", " + str(r.createdAt())));
    return c;
  }

  private static List<Pair> settings(AuditResult r) {
    JsonNode node = AuditJson.mapper().valueToTree(r.settings());
    List<Pair> out = new ArrayList<>();
    node.fields().forEachRemaining(e -> out.add(new Pair(e.getKey(), e.getValue().isTextual()
        ? e.getValue().asText() : e.getValue().toString())));
    if (r.attacks() != null) {
      out.add(new Pair("attacks.seed", Long.toString(r.attacks().seed())));
      out.add(new Pair("attacks.stepSizeFactor", Numbers.sig4(r.attacks().stepSizeFactor())));
      if (r.attacks().inputRange() != null) {
        out.add(new Pair("attacks.inputRange", Arrays.toString(r.attacks().inputRange())));
      }
    }
    return out;
  }

  private static List<Pair> selfCheck(SelfCheck s) {
    if (s == null) {
      return List.of();
    }
    return List.of(
        new Pair("samples", Integer.toString(s.samples())),
        new Pair("max rel. HVP difference", Numbers.sig4(s.hvpMaxRelativeDifference())),
        new Pair("median rel. HVP difference", Numbers.sig4(s.hvpMedianRelativeDifference())),
        new Pair("max rel. gradient difference", Numbers.sig4(s.gradientMaxRelativeDifference())),
        new Pair("finite-difference step", Numbers.sig4(s.fdStep())),
        new Pair("note", str(s.note())));
  }

  private static List<Masking> masking(AuditResult r) {
    if (r.maskingChecks() == null) {
      return null;
    }
    List<Masking> out = new ArrayList<>();
    for (MaskingCheck c : r.maskingChecks()) {
      out.add(new Masking(c.name(), c.passed(), Numbers.sig4(c.figure()),
          Double.isNaN(c.threshold()) ? "–" : Numbers.sig4(c.threshold()), str(c.detail())));
    }
    return out;
  }

  private static Table samples(LoadedAudit audit) {
    AuditResult r = audit.result();
    List<SampleGeometry> all = new ArrayList<>(r.splits().get("test").samples());
    all.sort(Comparator.comparingDouble((SampleGeometry s) -> Double.isNaN(s.curvature()) ? -1 : s.curvature()).reversed());
    List<Double> breaking = r.attacks() == null || r.attacks().smallestBreakingEps() == null
        || r.attacks().smallestBreakingEps().size() != all.size() ? null : r.attacks().smallestBreakingEps();
    List<List<Cell>> rows = new ArrayList<>();
    for (SampleGeometry s : all.subList(0, Math.min(MAX_SAMPLE_ROWS, all.size()))) {
      List<Cell> row = new ArrayList<>(List.of(
          ComparisonTables.num(s.index()), ComparisonTables.num(s.label()), ComparisonTables.num(s.prediction()),
          new Cell(s.label() == s.prediction() ? "yes" : "no", s.label() == s.prediction() ? "1" : "0"),
          ComparisonTables.num(s.loss()), ComparisonTables.num(s.gradNorm()),
          ComparisonTables.num(s.hessianSpectralNorm()), ComparisonTables.num(s.hessianTopEigenvalue()),
          ComparisonTables.num(s.curvature()), ComparisonTables.num(s.eigenIterations()),
          ComparisonTables.num(s.eigenResidual())));
      if (breaking != null) {
        Double b = s.index() >= 0 && s.index() < breaking.size() ? breaking.get(s.index()) : null;
        row.add(b == null ? new Cell("–", "Infinity") : ComparisonTables.num(b));
      }
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("index", "label", "prediction", "correct", "loss", "‖∇f‖",
        "‖∇²f‖", "top eigenvalue", "C_f", "eigen iters", "eigen residual"));
    if (breaking != null) {
      header.add("smallest breaking ε");
    }
    String caption = audit.name() + ", test split"
        + (all.size() > MAX_SAMPLE_ROWS ? ": the " + MAX_SAMPLE_ROWS + " samples of highest curvature of " + all.size() : ": "
        + all.size() + " samples") + ". Click a column header to sort.";
    return new Table(header, rows, caption);
  }

  /** Pretty-printed JSON when {@code s} is a JSON object or array, else null. */
  static String prettyJson(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (!(t.startsWith("{") || t.startsWith("["))) {
      return null;
    }
    try {
      JsonNode n = AuditJson.mapper().readTree(t);
      return AuditJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String str(String s) {
    return s == null ? "not recorded" : s;
  }
}
