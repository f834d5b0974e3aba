package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.gate.Gate;
import io.lcnn.reports.gate.GateReport;
import io.lcnn.reports.gate.GateRule;
import io.lcnn.reports.gate.JUnitXml;
import io.lcnn.reports.gate.MaskingChecksRule;
import io.lcnn.reports.gate.MaxSelfCheckErrorRule;
import io.lcnn.reports.gate.MinAccuracyRule;
import io.lcnn.reports.gate.Policy;
import io.lcnn.reports.gate.PolicyParser;
import io.lcnn.reports.gate.Quantity;
import io.lcnn.reports.gate.RequireExactRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lcnn gate}: applies CI rules (from {@code --policy policy.json} and/or flags) to an
 * audit.json. Prints one line per rule; exit 0 when every rule holds, 1 when one fails, 2 on bad
 * input. See docs/gate.md.
 */
@Parameters(commandDescription = "Check an audit.json against CI rules (exit 0 pass, 1 fail, 2 bad input)")
public final class GateCommand implements Subcommand {
  @Parameter(description = "DIR/audit.json", required = true)
  private List<String> audits = new ArrayList<>();

  @Parameter(names = "--policy", description = "policy.json with the rules (docs/gate.md)")
  private String policy;

  @Parameter(names = "--max-curvature", description = "stat=value, stat in mean|median|p90|max, e.g. p90=50 (repeatable)")
  private List<String> maxCurvature = new ArrayList<>();

  @Parameter(names = "--max-grad-norm", description = "stat=value bound on the test gradient norm (repeatable)")
  private List<String> maxGradNorm = new ArrayList<>();

  @Parameter(names = "--max-hessian-norm", description = "stat=value bound on the test Hessian spectral norm (repeatable)")
  private List<String> maxHessianNorm = new ArrayList<>();

  @Parameter(names = "--min-accuracy", description = "smallest clean test accuracy, in [0, 1]")
  private String minAccuracy;

  @Parameter(names = "--min-robust-accuracy", description = "eps=accuracy, worst case over attacks, e.g. 0.1=0.6 (repeatable)")
  private List<String> minRobustAccuracy = new ArrayList<>();

  @Parameter(names = "--max-discrepancy", description = "quantity=value train-test discrepancy bound, e.g. curvature=0.1 (repeatable)")
  private List<String> maxDiscrepancy = new ArrayList<>();

  @Parameter(names = "--require-exact", description = "fail when gradients or HVPs fell back to finite differences")
  private boolean requireExact;

  @Parameter(names = "--require-masking-checks", description = "fail when any gradient-masking check failed")
  private boolean requireMasking;

  @Parameter(names = "--max-self-check-error", description = "largest relative exact-vs-FD HVP difference")
  private String maxSelfCheck;

  @Parameter(names = "--baseline", description = "older audit.json: metrics may not get worse than it (ratchet)")
  private String baseline;

  @Parameter(names = "--max-regression", description = "allowed worsening against --baseline, e.g. 10% (default 0%)")
  private String maxRegression;

  @Parameter(names = "--junit", description = "write JUnit XML (one test case per rule) to this file")
  private String junit;

  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Override
  public String name() {
    return "gate";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    if (audits.size() != 1) {
      throw new CliException("gate takes exactly one audit.json, got " + audits.size());
    }
    if (junit != null) {
      io.lcnn.datasets.AtomicFiles.checkWritable("--junit", Path.of(junit));
    }
    Policy p = policy();
    if (p.isEmpty()) {
      throw new CliException("no rules: give --policy policy.json or rule flags (lcnn gate --help)");
    }
    LoadedAudit audit = LoadedAudit.load(Path.of(audits.get(0)));
    GateReport report = Gate.evaluate(audit.file().toString(), audit.result(), p);
    report.lines().forEach(l -> System.out.println(io.lcnn.errors.PrintableText.of(l)));
    System.out.println(report.passed()
        ? "gate: PASS (" + report.outcomes().size() + " rules)"
        : "gate: FAIL (" + report.failures() + " of " + report.outcomes().size() + " rules failed)");
    if (junit != null) {
      JUnitXml.write(Path.of(junit), report);
    }
    return report.exitCode();
  }

  /** The policy from --policy followed by the rules given as flags. */
  Policy policy() {
    Policy p = policy == null ? Policy.of(List.of()) : PolicyParser.read(Path.of(policy));
    List<GateRule> rules = new ArrayList<>();
    maxCurvature.forEach(s -> rules.addAll(PolicyParser.statLimits(Quantity.CURVATURE, s)));
    maxGradNorm.forEach(s -> rules.addAll(PolicyParser.statLimits(Quantity.GRAD_NORM, s)));
    maxHessianNorm.forEach(s -> rules.addAll(PolicyParser.statLimits(Quantity.HESSIAN_NORM, s)));
    if (minAccuracy != null) {
      rules.add(PolicyParser.flag("--min-accuracy", () -> new MinAccuracyRule(PolicyParser.flagNumber("--min-accuracy", minAccuracy), "test")));
    }
    minRobustAccuracy.forEach(s -> rules.add(PolicyParser.robustAccuracy(s)));
    maxDiscrepancy.forEach(s -> rules.add(PolicyParser.discrepancy(s)));
    if (requireExact) {
      rules.add(new RequireExactRule());
    }
    if (requireMasking) {
      rules.add(new MaskingChecksRule());
    }
    if (maxSelfCheck != null) {
      rules.add(PolicyParser.flag("--max-self-check-error", () -> new MaxSelfCheckErrorRule(PolicyParser.flagNumber("--max-self-check-error", maxSelfCheck))));
    }
    if (maxRegression != null && baseline == null && p.baseline() == null) {
      throw new CliException("--max-regression needs --baseline OLD/audit.json");
    }
    double margin = 0;
    if (maxRegression != null) {
      try {
        margin = PolicyParser.fraction(maxRegression);
      } catch (IllegalArgumentException e) {
        throw new CliException("--max-regression " + maxRegression + ": " + e.getMessage());
      }
    }
    Policy flags = baseline != null
        ? new Policy(rules, Path.of(baseline), margin)
        : maxRegression != null ? new Policy(rules, p.baseline(), margin) : Policy.of(rules);
    return p.plus(flags);
  }
}
