package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.console.ConsoleTable;
import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.PolicyParser;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lcnn report}: one self-contained HTML page from one or several audit.json files (several
 * side by side give the paper's comparison tables); prints the console summary table.
 */
@Parameters(commandDescription = "Write a self-contained HTML report from one or more audit.json files")
public final class ReportCommand implements Subcommand {
  @Parameter(description = "DIR_A/audit.json [DIR_B/audit.json ...]", required = true)
  private List<String> audits = new ArrayList<>();

  @Parameter(names = "--out", description = "the HTML file to write")
  private String out = "report.html";

  @Parameter(names = "--policy", description = "policy.json: show each model's gate results in the verdict banner")
  private String policy;

  @Parameter(names = "--name", description = "display names, one per audit in order (default: each audit's folder name)")
  private List<String> names = new ArrayList<>();

  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Override
  public String name() {
    return "report";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    if (!names.isEmpty() && names.size() != audits.size()) {
      throw new CliException("--name given " + names.size() + " times for " + audits.size() + " audits");
    }
    io.lcnn.datasets.AtomicFiles.checkWritable("--out", Path.of(out));
    List<LoadedAudit> loaded = new ArrayList<>();
    for (int i = 0; i < audits.size(); i++) {
      LoadedAudit a = LoadedAudit.load(Path.of(audits.get(i)));
      loaded.add(names.isEmpty() ? a : a.withName(names.get(i)));
    }
    loaded = LoadedAudit.uniqueNames(loaded);
    Map<String, GateReport> gates = new HashMap<>();
    if (policy != null) {
      Policy p = PolicyParser.read(Path.of(policy));
      for (LoadedAudit a : loaded) {
        gates.put(a.name(), Gate.evaluate(a.name(), a.result(), p));
      }
    }
    Path target = Path.of(out);
    HtmlReport.write(target, loaded, gates, "lcnn " + Version.get());
    Map<String, AuditResult> table = new LinkedHashMap<>();
    loaded.forEach(a -> table.putIfAbsent(a.name(), a.result()));
    System.out.print(io.lcnn.errors.PrintableText.lines(ConsoleTable.render(table)));
    System.out.println("report: " + target.toAbsolutePath());
    return 0;
  }
}
