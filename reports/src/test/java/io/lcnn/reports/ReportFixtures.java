package io.lcnn.reports;

import java.nio.file.Path;
import java.util.List;

/** Writes the two-model synthetic audit pair most report tests use. */
final class ReportFixtures {
  private ReportFixtures() {}

  /** standard/audit.json and lcnn/audit.json under {@code root}, every optional block present. */
  static List<LoadedAudit> pair(Path root) {
    Path a = SyntheticAudits.write(root.resolve("standard"), SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
    Path b = SyntheticAudits.write(root.resolve("lcnn"), SyntheticAudits.LCNN, SyntheticAudits.Options.full());
    return List.of(LoadedAudit.load(a), LoadedAudit.load(b));
  }
}
