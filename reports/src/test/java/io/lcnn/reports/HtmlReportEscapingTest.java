package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strings from a model or dataset reach the page as text, never as markup or script. */
class HtmlReportEscapingTest {
  static final String SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','metadata')</script>";
  static final String IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">";

  @TempDir Path tmp;

  @Test
  void modelMetadataHoldingScriptIsEscapedAndDoesNotRunInChromium() throws Exception {
    Map<String, String> evil = Map.of(
        "description", SCRIPT,
        "author" + IMG, "x",
        "training_record", "{\"note\": \"</pre>" + SCRIPT.replace("\"", "\\\"") + "\"}");
    Path dir = tmp.resolve("m<b>" + "x");
    Path file = SyntheticAudits.write(dir, SyntheticAudits.STANDARD, SyntheticAudits.Options.full().withMetadata(evil));
    Path html = tmp.resolve("report.html");
    HtmlReport.write(html, List.of(LoadedAudit.load(file)), Map.of(), "lcnn test " + IMG);
    String page = Files.readString(html);

    assertEquals(1, HtmlReportBrowserTest.count(page, "<script"), "only the report's own script tag");
    assertFalse(page.contains("<img src=x"), "an img tag from metadata reached the page");
    assertFalse(page.contains("<b>x"), "a tag from the folder name reached the page");
    assertTrue(page.contains("&lt;script&gt;document.documentElement.setAttribute("), "metadata shown as text");
    assertTrue(page.contains("m&lt;b&gt;x"), "folder name shown as text");

    assertTrue(HeadlessChromium.available(), "install Debian's chromium (apt-get install chromium)");
    HeadlessChromium.Run run = HeadlessChromium.dumpDom(html, tmp.resolve("profile"));
    assertTrue(run.stdout().contains("data-ready=\"true\""), "page did not load: " + HtmlReportBrowserTest.tail(run.stderr()));
    assertFalse(run.stdout().contains("data-pwned=\""), "injected script ran");
    assertEquals(List.of(), HeadlessChromium.consoleLines(run), "console output");
    assertFalse(run.stdout().contains("data-errors="), "blocked or failed: " + HtmlReportBrowserTest.attr(run.stdout(), "data-errors"));
  }
}
