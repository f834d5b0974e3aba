package io.lcnn.reports;

import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One audit.json as read from disk: the parsed result, the file it came from (the folder holding
 * it also holds the gallery arrays) and the display name reports use for it.
 *
 * @param file the audit.json file
 * @param name display name: the name of the folder holding audit.json
 * @param result the parsed and checked result
 */
public record LoadedAudit(Path file, String name, AuditResult result) {

  /**
   * Reads and checks an audit.json: {@link AuditJson#read} for the layout, then {@link
   * AuditValidator} for every field the reports and gates use. An audit folder that a killed
   * {@code lcnn audit} left renamed aside is first put back ({@link
   * io.lcnn.datasets.StagedFolder#recover}); a folder whose files no longer match its {@link
   * io.lcnn.datasets.FolderManifest} (mixed with another run's, edited or lost) is refused.
   *
   * @throws ReportInputException with a one-line message naming the file and the field
   */
  public static LoadedAudit load(Path file) {
    Path folder = file.toAbsolutePath().normalize().getParent();
    io.lcnn.datasets.StagedFolder.recover(folder);
    if (Files.isRegularFile(file)) {
      io.lcnn.datasets.FolderManifest.verify(folder);
    }
    AuditResult result;
    try {
      result = AuditJson.read(file);
    } catch (IllegalArgumentException e) {
      throw new ReportInputException(e.getMessage(), e);
    }
    AuditValidator.check(file, result);
    return new LoadedAudit(file, defaultName(file), result);
  }

  /** The folder holding audit.json (artifact paths are relative to it). */
  public Path dir() {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  /** A copy under another display name. */
  public LoadedAudit withName(String newName) {
    return new LoadedAudit(file, newName, result);
  }

  /** The audits with repeated display names made unique by appending " (2)", " (3)", …. */
  public static java.util.List<LoadedAudit> uniqueNames(java.util.List<LoadedAudit> audits) {
    java.util.List<LoadedAudit> out = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (LoadedAudit a : audits) {
      String n = a.name();
      for (int k = 2; !seen.add(n); k++) {
        n = a.name() + " (" + k + ")";
      }
      out.add(n.equals(a.name()) ? a : a.withName(n));
    }
    return out;
  }

  private static String defaultName(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    if (parent != null && parent.getFileName() != null) {
      return parent.getFileName().toString();
    }
    return file.getFileName().toString();
  }
}
