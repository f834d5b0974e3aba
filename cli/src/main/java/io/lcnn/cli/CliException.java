package io.lcnn.cli;

/** A failure the CLI reports as one line with a given exit code (2 = bad input by default). */
public class CliException extends RuntimeException {
  private final int exitCode;

  /** Bad input (exit code 2). */
  public CliException(String message) {
    this(message, 2);
  }

  /** A failure with the given exit code. */
  public CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The process exit code to use. */
  public int exitCode() {
    return exitCode;
  }
}
