package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.MinRobustAccuracyRule;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.Quantity;
import io.lcnn.reports.gate.RequireExactRule;
import io.lcnn.reports.gate.StatLimitRule;
import io.lcnn.reports.gate.Statistic;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens generated reports in headless Chromium with networking disabled. Screenshots are kept
 * under reports/target/report-screenshots/ as test artifacts.
 */
class HtmlReportBrowserTest {
  static final List<String> SECTIONS = List.of(
      "verdict", "comparison", "model-card", "distributions", "stability", "robustness", "masking", "gallery", "samples");
  static final List<String> CHARTS = List.of(
      "chart-grad-norm-test", "chart-hessian-norm-test", "chart-curvature-test", "chart-grad-norm-train",
      "chart-hessian-norm-train", "chart-curvature-train", "chart-stability", "chart-robustness");

  @TempDir Path tmp;

  @Test
  void twoModelReportLoadsOfflineWithEverySectionAndChartAndNoConsoleErrors() throws Exception {
    assertTrue(HeadlessChromium.available(), "install Debian's chromium (apt-get install chromium); .ci/run does");
    List<LoadedAudit> audits = ReportFixtures.pair(tmp.resolve("audits"));
    Path html = tmp.resolve("report.html");
    Policy policy = Policy.of(List.of(new StatLimitRule(Quantity.CURVATURE, Statistic.MEAN, 100, "test"),
        new MinRobustAccuracyRule(0.1, 0.45), new RequireExactRule()));
    Map<String, GateReport> gates = new LinkedHashMap<>();
    for (LoadedAudit a : audits) {
      gates.put(a.name(), Gate.evaluate(a.name(), a.result(), policy));
    }
    HtmlReport.write(html, audits, gates, "lcnn test");

    HeadlessChromium.Run run = HeadlessChromium.dumpDom(html, tmp.resolve("profile"));
    String dom = run.stdout();
    assertTrue(dom.contains("data-ready=\"true\""), "the page's script did not finish loading:\n" + tail(run.stderr()));
    assertFalse(dom.contains("data-errors="), "the page recorded errors: " + attr(dom, "data-errors"));
    assertEquals(List.of(), HeadlessChromium.consoleLines(run), "console output");
    for (String id : SECTIONS) {
      assertTrue(Pattern.compile("<section id=\"" + id + "\"").matcher(dom).find(), "section " + id + " missing");
    }
    for (String id : CHARTS) {
      Matcher m = Pattern.compile("<figure class=\"chart\" id=\"" + id + "\"[^>]*>.*?</figure>", Pattern.DOTALL).matcher(dom);
      assertTrue(m.find(), "chart " + id + " missing");
      assertTrue(m.group().contains("<svg"), "chart " + id + " has no <svg>");
    }
    assertEquals(2 * 6 * 4, count(dom, "<img src=\"data:image/png;base64,"), "gallery images (2 models x 6 samples x 4)");
    assertEquals(0, count(dom, "src=\"http") + count(dom, "href=\"http"), "the page must not reference the network");
    assertTrue(dom.contains("<section id=\"verdict\" class=\"verdict fail\">"), "standard breaks the curvature rule");
    assertEquals(6, count(dom, "<li><span class=\"badge "), "3 rules x 2 models in the banner");

    Path shots = Path.of("target", "report-screenshots");
    Files.createDirectories(shots);
    Path png = shots.resolve("two-model-report.png");
    Files.deleteIfExists(png);
    HeadlessChromium.screenshot(html, png, tmp.resolve("profile2"), 1400, 5200);
    assertTrue(Files.size(png) > 50_000, "screenshot missing or blank: " + png);
    Files.copy(html, shots.resolve("two-model-report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  static String attr(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
    return m.find() ? m.group(1) : "";
  }

  static String tail(String s) {
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }
}
