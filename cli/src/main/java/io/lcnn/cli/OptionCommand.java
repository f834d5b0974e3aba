package io.lcnn.cli;

import io.lcnn.auditor.audit.AuditOption;
import io.lcnn.auditor.audit.OptionValues;
import java.util.List;

/**
 * A subcommand whose options are {@link AuditOption} entries (declared once, with flag, default,
 * documentation and validation) rather than jcommander fields: {@link Main} parses its
 * arguments against {@link #options()} and prints its {@code --help} from them.
 */
interface OptionCommand extends Subcommand {
  /** Shows the command's help. */
  AuditOption<Boolean> HELP = new AuditOption<>("help", List.of("--help", "-h"), false,
      "Show this command's options", Boolean::parseBoolean, v -> true, "true or false");

  /** Every option the command accepts, in {@code --help} order. */
  List<AuditOption<?>> options();

  /** Text above the option list of {@code --help}. */
  String usageHeader();

  /** Runs the command with the parsed values; returns the exit code. */
  int call(OptionValues values);

  /** {@code --help} is one of the option entries, handled by {@link Main}. */
  @Override
  default boolean helpRequested() {
    return false;
  }

  /** Runs with every option at its default. */
  @Override
  default int call() {
    return call(OptionValues.empty());
  }
}
