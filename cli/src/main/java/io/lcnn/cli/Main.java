package io.lcnn.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterDescription;
import com.beust.jcommander.ParameterException;
import io.lcnn.errors.BadInputException;
import io.lcnn.errors.CheckFailedException;
import io.lcnn.errors.InternalErrorException;
import io.lcnn.errors.LcnnException;
import io.lcnn.errors.PrintableText;
import io.lcnn.errors.StoppedException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Entry point of the {@code lcnn} command: parses the subcommand with jcommander and runs it.
 * Exit codes ({@link #exitCode}, the one place they are decided): 0 success, 1 a check or gate
 * failed, 2 bad input or usage, 3 an internal error (stack trace with {@code --debug}), 130/143 stopped
 * by SIGINT/SIGTERM at a safe point (a training writes its checkpoint first).
 */
public final class Main {
  /** Exit code of a check or gate that failed. */
  public static final int CHECK_FAILED = 1;
  /** Exit code of bad input or usage. */
  public static final int BAD_INPUT = 2;
  /** Exit code of an internal error. */
  public static final int INTERNAL_ERROR = 3;

  private static final String DEBUG_FLAG = "--debug";

  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
  private boolean help;

  @Parameter(names = "--version", description = "Print the version and exit")
  private boolean version;

  @Parameter(names = DEBUG_FLAG, description = "Print the stack trace of an internal error (also accepted after the command)")
  private boolean debug;

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
    boolean debug = Arrays.asList(args).contains(DEBUG_FLAG) || System.getenv("LCNN_DEBUG") != null;
    String[] rest = Arrays.stream(args).filter(a -> !a.equals(DEBUG_FLAG)).toArray(String[]::new);
    Map<String, Subcommand> commands = new LinkedHashMap<>();
    JCommander.Builder b = JCommander.newBuilder().addObject(main).programName("lcnn");
    for (Subcommand c : subcommands()) {
      commands.put(c.name(), c);
      b.addCommand(c.name(), c);
    }
    JCommander jc = b.build();
    if (rest.length > 0 && commands.get(rest[0]) instanceof OptionCommand oc) {
      return runOptionCommand(rest[0], oc, Arrays.asList(rest).subList(1, rest.length), debug);
    }
    try {
      jc.parse(rest);
    } catch (ParameterException e) {
      String cmd = jc.getParsedCommand();
      String unknown = unknownOption(jc, cmd, rest);
      return usageError(cmd, unknown != null ? unknown : e.getMessage());
    }
    if (main.version) {
      System.out.println("lcnn " + Version.get());
      return 0;
    }
    String parsed = jc.getParsedCommand();
    String unknown = unknownOption(jc, parsed, rest);
    if (unknown != null) {
      return usageError(parsed, unknown);
    }
    if (parsed == null || main.help) {
      StringBuilder sb = new StringBuilder();
      sb.append("lcnn ").append(Version.get())
          .append(": train low-curvature networks and audit any ONNX classifier's curvature and robustness.\n\n")
          .append("Usage: lcnn <command> [options]   (lcnn <command> --help for its options)\n\nCommands:\n");
      for (Subcommand c : commands.values()) {
        sb.append(String.format("  %-8s %s%n", c.name(), jc.getUsageFormatter().getCommandDescription(c.name())));
      }
      System.out.print(sb);
      return parsed == null && !main.help ? BAD_INPUT : 0;
    }
    Subcommand c = commands.get(parsed);
    if (c.helpRequested()) {
      StringBuilder sb = new StringBuilder();
      jc.getUsageFormatter().usage(parsed, sb);
      System.out.print(sb);
      return 0;
    }
    return guarded(parsed, c::call, debug || main.debug);
  }

  /** Parses the arguments of a command declared with option entries and runs it. */
  private static int runOptionCommand(String name, OptionCommand c, List<String> args, boolean debug) {
    io.lcnn.auditor.audit.OptionValues values;
    try {
      values = io.lcnn.auditor.audit.OptionValues.parse(c.options(), args);
    } catch (IllegalArgumentException e) {
      String problem = PrintableText.oneLine(e.getMessage());
      String unknown = args.stream().filter(a -> problem.equals("unknown option '" + a + "'")).findFirst().orElse(null);
      if (unknown != null) {
        List<String> known = new ArrayList<>();
        c.options().forEach(o -> known.addAll(o.flags()));
        String near = nearest(unknown, known);
        return usageError(name, "unknown option " + unknown + (near == null ? "" : " (did you mean " + near + "?)"));
      }
      return usageError(name, problem);
    }
    if (values.get(OptionCommand.HELP)) {
      System.out.print(io.lcnn.auditor.audit.OptionValues.usage(c.usageHeader(), c.options()));
      return 0;
    }
    return guarded(name, () -> c.call(values), debug);
  }

  /** Runs a command, turning its failures into one line on stderr and the exit code of their kind. */
  private static int guarded(String parsed, java.util.function.IntSupplier command, boolean debug) {
    try {
      return command.getAsInt();
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      LcnnException failure = classify(e);
      System.err.println("lcnn " + parsed + ": " + failure.getMessage());
      if (failure instanceof InternalErrorException && debug) {
        e.printStackTrace();
      }
      return exitCode(failure);
    }
  }

  /**
   * The exit code of a failure: the one place the error kinds meet the process's exit status.
   */
  static int exitCode(LcnnException e) {
    if (e instanceof BadInputException) {
      return BAD_INPUT;
    }
    if (e instanceof CheckFailedException) {
      return CHECK_FAILED;
    }
    if (e instanceof StoppedException stopped) {
      return stopped.exitCode();
    }
    return INTERNAL_ERROR;
  }

  /**
   * The kind of any failure that reached the CLI: lcnn's own exceptions keep theirs; an
   * IllegalArgumentException (a flag or value refused by a parser) or an I/O failure on the
   * user's files is bad input; anything else (NullPointerException, IllegalStateException, …)
   * is an internal error.
   */
  static LcnnException classify(Throwable e) {
    if (e instanceof LcnnException l) {
      return l;
    }
    String m = PrintableText.oneLine(e.getMessage());
    if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
      return new BadInputException(m == null ? e.getClass().getSimpleName() : m, e);
    }
    return new InternalErrorException("internal error: " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m)
        + " (run with --debug for the stack trace and please report it)", e);
  }

  /** Prints a usage problem as one line pointing to the command's help; returns the exit code. */
  private static int usageError(String cmd, String problem) {
    System.err.println(PrintableText.oneLine("lcnn" + (cmd == null ? "" : " " + cmd) + ": " + problem + "; see 'lcnn "
        + (cmd == null ? "" : cmd + " ") + "--help'"));
    return BAD_INPUT;
  }

  /**
   * The first argument after the command that looks like an option but is none of the command's
   * (jcommander takes those for main parameters of commands that have them, e.g. report and
   * gate), with the nearest known option; null when every option is known. Values of options
   * that take one are skipped, as are negative numbers.
   */
  private static String unknownOption(JCommander jc, String cmd, String[] args) {
    Map<String, Boolean> takesValue = new LinkedHashMap<>();
    List<ParameterDescription> params = new ArrayList<>(jc.getParameters());
    if (cmd != null) {
      params.addAll(jc.getCommands().get(cmd).getParameters());
    }
    for (ParameterDescription p : params) {
      Class<?> type = p.getParameterized().getType();
      for (String name : p.getParameter().names()) {
        takesValue.put(name, type != boolean.class && type != Boolean.class);
      }
    }
    boolean afterCommand = cmd == null;
    boolean value = false;
    for (String a : args) {
      if (!afterCommand) {
        afterCommand = a.equals(cmd);
        continue;
      }
      if (value) {
        value = false;
        continue;
      }
      if (takesValue.containsKey(a)) {
        value = takesValue.get(a);
        continue;
      }
      if (a.startsWith("-") && a.length() > 1 && !Character.isDigit(a.charAt(1)) && a.charAt(1) != '.') {
        String near = nearest(a, new ArrayList<>(takesValue.keySet()));
        return "unknown option " + a + (near == null ? "" : " (did you mean " + near + "?)");
      }
    }
    return null;
  }

  /** The known option closest to {@code word} by edit distance, or null when none is close. */
  static String nearest(String word, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
    for (String k : known) {
      int d = distance.apply(word, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(2, best.length() / 3) ? best : null;
  }
}
