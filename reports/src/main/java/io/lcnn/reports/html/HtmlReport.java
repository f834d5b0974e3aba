package io.lcnn.reports.html;

import io.lcnn.datasets.AtomicFiles;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.html.ReportView.ModelView;
import io.lcnn.reports.html.ReportView.Page;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HTML audit report: one self-contained page (inline CSS, inline SVG charts, PNG data URIs,
 * one small inline script for click-to-sort tables) rendered from one or several audits with the
 * Pebble template engine, HTML autoescaping on. A Content-Security-Policy allows no network
 * access and only the report's own script (by hash), so even a string that escaped escaping
 * could not run script.
 */
public final class HtmlReport {
  private static final String TEMPLATE = "io/lcnn/reports/html/report.peb";
  private static final String SCRIPT = "io/lcnn/reports/html/report.js";
  private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
      .loader(new ClasspathLoader(HtmlReport.class.getClassLoader()))
      .autoEscaping(true)
      .defaultEscapingStrategy("html")
      .strictVariables(true)
      .newLineTrimming(true)
      .build();

  private HtmlReport() {}

  /**
   * Renders the page.
   *
   * @param audits the audits, in column order (the first is the reference for ratios)
   * @param gates gate reports by audit display name; empty when no policy was given
   * @param generator tool name and version for the footer, e.g. {@code lcnn 0.1.0}
   * @return the HTML text
   * @throws io.lcnn.reports.ReportInputException when a gallery array is malformed
   */
  public static String render(List<LoadedAudit> audits, Map<String, GateReport> gates, String generator) {
    return render(audits, gates, generator, List.of());
  }

  /**
   * Renders the page with {@code notes} (one line each, e.g. the demo's verdicts on the paper's
   * claims) added to the verdict banner's highlights.
   */
  public static String render(List<LoadedAudit> audits, Map<String, GateReport> gates, String generator,
      List<String> notes) {
    if (audits.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one audit");
    }
    List<LoadedAudit> named = LoadedAudit.uniqueNames(audits);
    List<ModelView> models = new ArrayList<>();
    for (int i = 0; i < named.size(); i++) {
      models.add(ModelViews.build(named.get(i), i));
    }
    Page page = new Page(
        "lcnn audit report",
        named.stream().map(LoadedAudit::name).collect(Collectors.joining(" · ")),
        Verdicts.withNotes(Verdicts.build(named, gates), notes),
        models,
        ComparisonTables.geometry(named),
        ComparisonTables.robustness(named),
        ComparisonTables.discrepancy(named),
        ReportCharts.distributions(named),
        ReportCharts.stability(named),
        ReportCharts.stabilityTables(named),
        ReportCharts.robustness(named),
        generator,
        ReportCharts.radiusScatter(named),
        GeometryViews.build(named));
    String script = resource(SCRIPT);
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("page", page);
    ctx.put("script", script);
    ctx.put("csp", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '" + sha256(script)
        + "'; base-uri 'none'; form-action 'none'");
    try {
      PebbleTemplate t = ENGINE.getTemplate(TEMPLATE);
      StringWriter w = new StringWriter();
      t.evaluate(w, ctx);
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the report template: " + e.getMessage(), e);
    }
  }

  /** Renders and writes the page to {@code out} atomically. */
  public static void write(Path out, List<LoadedAudit> audits, Map<String, GateReport> gates, String generator) {
    write(out, audits, gates, generator, List.of());
  }

  /** Renders with {@code notes} in the verdict banner and writes the page to {@code out} atomically. */
  public static void write(Path out, List<LoadedAudit> audits, Map<String, GateReport> gates, String generator,
      List<String> notes) {
    AtomicFiles.writeString(out, render(audits, gates, generator, notes));
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CSP source expression {@code sha256-<base64>} of a script's exact text. */
  static String sha256(String script) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
