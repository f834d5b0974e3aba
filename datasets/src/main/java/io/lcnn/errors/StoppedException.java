package io.lcnn.errors;

/**
 * The work was stopped on request (SIGINT or SIGTERM) at a safe point, after saving what can be
 * resumed; the CLI exits with the signal's conventional status, 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM).
 */
public non-sealed class StoppedException extends LcnnException {
  private final int exitCode;

  /**
   * @param message one line saying what was stopped and what was kept
   * @param exitCode 128 + the signal number
   */
  public StoppedException(String message, int exitCode) {
    super(null, message, null);
    if (exitCode <= 128 || exitCode > 255) {
      throw new IllegalArgumentException("a stop's exit code is 128 + a signal number, not " + exitCode);
    }
    this.exitCode = exitCode;
  }

  /** 128 + the signal number: 130 for SIGINT, 143 for SIGTERM. */
  public int exitCode() {
    return exitCode;
  }
}
