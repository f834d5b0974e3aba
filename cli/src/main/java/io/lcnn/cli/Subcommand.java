package io.lcnn.cli;

/**
 * One {@code lcnn} subcommand: a jcommander parameter object (annotated with
 * {@code @Parameters(commandDescription = ...)}) that runs itself and returns an exit code.
 */
public interface Subcommand {
  /** The word that selects this command, e.g. {@code "audit"}. */
  String name();

  /** Whether {@code --help} was given to this command. */
  boolean helpRequested();

  /** Runs the command; returns 0 on success, 1 when a check failed; failures are thrown as {@link io.lcnn.errors.LcnnException}s. */
  int call();
}
