package io.lcnn.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code lcnn} command: parses the subcommand with jcommander and runs it.
 * Exit codes: 0 success, 1 a check or gate failed, 2 bad input or usage.
 */
public final class Main {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
  private boolean help;

  @Parameter(names = "--version", description = "Print the version and exit")
  private boolean version;

  private Main() {}

  /** All subcommands, in the order --help lists them. */
  static List<Subcommand> subcommands() {
    return List.of(new DemoCommand(), new TrainCommand(), new ExportCommand(), new AuditCommand(), new ReportCommand(),
        new GateCommand(), new TrainBenchCommand(), new BoundCommand());
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String[] args) {
    Main main = new Main();
    Map<String, Subcommand> commands = new LinkedHashMap<>();
    JCommander.Builder b = JCommander.newBuilder().addObject(main).programName("lcnn");
    for (Subcommand c : subcommands()) {
      commands.put(c.name(), c);
      b.addCommand(c.name(), c);
    }
    JCommander jc = b.build();
    try {
      jc.parse(args);
    } catch (ParameterException e) {
      System.err.println("lcnn: " + e.getMessage());
      String cmd = jc.getParsedCommand();
      System.err.println("Try 'lcnn " + (cmd == null ? "" : cmd + " ") + "--help'.");
      return 2;
    }
    if (main.version) {
      System.out.println("lcnn " + Version.get());
      return 0;
    }
    String parsed = jc.getParsedCommand();
    if (parsed == null || main.help) {
      StringBuilder sb = new StringBuilder();
      sb.append("lcnn ").append(Version.get())
          .append(": train low-curvature networks and audit any ONNX classifier's curvature and robustness.\n\n")
          .append("Usage: lcnn <command> [options]   (lcnn <command> --help for its options)\n\nCommands:\n");
      for (Subcommand c : commands.values()) {
        sb.append(String.format("  %-8s %s%n", c.name(), jc.getUsageFormatter().getCommandDescription(c.name())));
      }
      System.out.print(sb);
      return parsed == null && !main.help ? 2 : 0;
    }
    Subcommand c = commands.get(parsed);
    if (c.helpRequested()) {
      StringBuilder sb = new StringBuilder();
      jc.getUsageFormatter().usage(parsed, sb);
      System.out.print(sb);
      return 0;
    }
    try {
      return c.call();
    } catch (CliException e) {
      System.err.println("lcnn " + parsed + ": " + e.getMessage());
      return e.exitCode();
    } catch (RuntimeException e) {
      System.err.println("lcnn " + parsed + ": " + oneLine(e));
      if (System.getenv("LCNN_DEBUG") != null) {
        e.printStackTrace();
      }
      return 2;
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
