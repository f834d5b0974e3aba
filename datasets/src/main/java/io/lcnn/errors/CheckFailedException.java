package io.lcnn.errors;

/**
 * The work ran on valid input and a check or gate did not pass (a diverged training, a failed
 * self-check). The CLI exits with 1.
 */
public non-sealed class CheckFailedException extends LcnnException {
  /** A one-line message naming what failed. */
  public CheckFailedException(String message) {
    super(null, message, null);
  }

  /** A one-line message naming what failed, with its cause. */
  public CheckFailedException(String message, Throwable cause) {
    super(null, message, cause);
  }
}
