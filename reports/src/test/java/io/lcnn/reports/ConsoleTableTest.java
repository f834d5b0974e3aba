package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.reports.console.ConsoleTable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console summary is aligned and shows each model's figures. */
class ConsoleTableTest {
  @TempDir Path tmp;

  @Test
  void rowsAlignUnderTheHeaderAndCarryEachModelsMeans() {
    Map<String, AuditResult> audits = new LinkedHashMap<>();
    audits.put("standard", SyntheticAudits.build(tmp.resolve("a"), SyntheticAudits.STANDARD, SyntheticAudits.Options.full()));
    audits.put("lcnn\u001b[31m", SyntheticAudits.build(tmp.resolve("b"), SyntheticAudits.LCNN, SyntheticAudits.Options.minimal()));
    String[] lines = ConsoleTable.render(audits).split("\n");
    String header = lines[0];
    assertTrue(lines[1].matches("-+"));
    int end = header.indexOf("mean curvature") + "mean curvature".length();
    for (int i = 2; i < 4; i++) {
      String cell = lines[i].substring(0, end).trim();
      String[] parts = cell.split("\\s+");
      String name = i == 2 ? "standard" : "lcnn?[31m";
      AuditResult a = audits.get(i == 2 ? "standard" : "lcnn\u001b[31m");
      double mean = a.splits().get("test").samples().stream().mapToDouble(SampleGeometry::curvature).average().orElseThrow();
      assertEquals(name, parts[0], "terminal escapes are neutralized");
      assertEquals(Numbers.sig4(mean), parts[parts.length - 1], "mean curvature right-aligned under its header");
    }
    assertTrue(lines[3].contains(" - "), "a model without attacks shows '-' in the robust columns");
    assertTrue(header.contains("robust@0.1") && header.contains("dTT curvature"));
  }
}
