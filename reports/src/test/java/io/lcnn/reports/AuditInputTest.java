package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.auditor.result.AuditJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A truncated, foreign or incomplete audit.json fails with one line naming the file and field. */
class AuditInputTest {
  @TempDir Path tmp;

  @Test
  void truncatedAuditNamesTheFieldWhereItStops() throws Exception {
    Path file = SyntheticAudits.write(tmp.resolve("a"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    String text = Files.readString(file);
    int cut = text.indexOf("\"hessianSpectralNorm\"", text.indexOf("\"samples\""));
    Files.writeString(file, text.substring(0, cut + 25));
    ReportInputException e = assertThrows(ReportInputException.class, () -> LoadedAudit.load(file));
    oneLine(e, file);
    assertTrue(e.getMessage().contains("in field 'splits.test.samples.0.hessianSpectralNorm'"), e.getMessage());
  }

  @Test
  void foreignJsonNamesTheMissingSchemaVersion() throws Exception {
    Path file = tmp.resolve("package.json");
    Files.writeString(file, "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}");
    ReportInputException e = assertThrows(ReportInputException.class, () -> LoadedAudit.load(file));
    oneLine(e, file);
    assertTrue(e.getMessage().contains("missing field 'schemaVersion'"), e.getMessage());
  }

  @Test
  void missingSummaryIsNamedWithItsPath() throws Exception {
    Path file = edit("splits.test.summary", n -> ((ObjectNode) n.get("splits").get("test")).remove("summary"));
    ReportInputException e = assertThrows(ReportInputException.class, () -> LoadedAudit.load(file));
    oneLine(e, file);
    assertTrue(e.getMessage().contains("missing field 'splits.test.summary'"), e.getMessage());
  }

  @Test
  void wrongTypeIsNamedWithItsPath() throws Exception {
    Path file = edit("samples", n -> ((ObjectNode) n.get("splits").get("test")).put("samples", "oops"));
    ReportInputException e = assertThrows(ReportInputException.class, () -> LoadedAudit.load(file));
    oneLine(e, file);
    assertTrue(e.getMessage().contains("at field 'splits.test.samples'"), e.getMessage());
  }

  @Test
  void missingTestSplitIsNamed() throws Exception {
    Path file = edit("test", n -> ((ObjectNode) n.get("splits")).remove("test"));
    ReportInputException e = assertThrows(ReportInputException.class, () -> LoadedAudit.load(file));
    assertTrue(e.getMessage().contains("missing field 'splits.test'"), e.getMessage());
  }

  private Path edit(String name, java.util.function.Consumer<ObjectNode> change) throws Exception {
    Path file = SyntheticAudits.write(tmp.resolve(name), SyntheticAudits.STANDARD, SyntheticAudits.Options.minimal());
    ObjectNode root = (ObjectNode) AuditJson.mapper().readTree(file.toFile());
    change.accept(root);
    Files.writeString(file, AuditJson.mapper().writeValueAsString(root));
    return file;
  }

  private static void oneLine(Exception e, Path file) {
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
  }
}
