package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every free-text field a model puts into audit.json (path, producer, input and output names,
 * input shape symbols, fallback reasons naming nodes, op types, metadata keys and values) reaches
 * the report as text: no injected tag survives and no injected script runs in Chromium.
 */
class HostileModelFieldsRenderingTest {
  private static String script(String field) {
    return "<script>document.documentElement.setAttribute('data-pwned','" + field + "')</script>";
  }

  private static String img(String field) {
    return "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','" + field + "')\">";
  }

  @TempDir Path tmp;

  @Test
  void scriptInEveryModelStringFieldIsEscapedAndDoesNotRunInChromium() throws Exception {
    Path dir = tmp.resolve("audit");
    AuditResult base = SyntheticAudits.build(dir, SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
    ModelInfo m = base.model();
    ModelInfo hostile = new ModelInfo(script("path"), m.sha256(), m.opset(), m.irVersion(), img("producer"),
        script("inputName"), List.of(img("shape"), 1, 28, 28), m.inputRange(), img("outputName"), m.outputKind(),
        m.numClasses(), m.executionProvider(), m.gradientMode(), m.hvpMode(),
        List.of("node '" + script("fallback") + "' (" + img("op") + "): no rule"), Map.of(img("histogram"), 3, "Gemm", 2),
        m.parameterCount(), Map.of(script("metadataKey"), img("metadataValue")));
    AuditResult r = new AuditResult(base.schemaVersion(), base.tool(), base.createdAt(), hostile, base.settings(),
        base.splits(), base.trainTestDiscrepancy(), base.selfCheck(), base.attacks(), base.gradientStability(),
        base.maskingChecks(), base.artifacts(), base.gate(), null, null, null);
    Path file = dir.resolve("audit.json");
    AuditJson.write(file, r);
    Path html = tmp.resolve("report.html");
    HtmlReport.write(html, List.of(LoadedAudit.load(file)), Map.of(), "lcnn test");
    String page = Files.readString(html);

    assertEquals(1, HtmlReportBrowserTest.count(page, "<script"), "only the report's own script tag");
    assertFalse(page.contains("<img src=x"), "an img tag from the model reached the page");
    assertTrue(page.contains("&lt;script&gt;document.documentElement.setAttribute("), "model strings shown as text");

    assertTrue(HeadlessChromium.available(), "install Debian's chromium (apt-get install chromium)");
    HeadlessChromium.Run run = HeadlessChromium.dumpDom(html, tmp.resolve("profile"));
    assertTrue(run.stdout().contains("data-ready=\"true\""), "page did not load: " + HtmlReportBrowserTest.tail(run.stderr()));
    assertFalse(run.stdout().contains("data-pwned=\""), "injected script ran: " + HtmlReportBrowserTest.attr(run.stdout(), "data-pwned"));
    assertEquals(List.of(), HeadlessChromium.consoleLines(run), "console output");
  }
}
