package io.lcnn.errors;

/**
 * A failure with a one-line message and the file, node or field it concerns. Exactly four kinds
 * exist, one subclass each: {@link BadInputException} (the user's files or flags are wrong),
 * {@link CheckFailedException} (the work ran and a check or gate did not pass), {@link
 * StoppedException} (stopped on request by a signal, at a safe point) and {@link
 * InternalErrorException} (a bug in lcnn). The CLI turns the kind into the exit code.
 */
public abstract sealed class LcnnException extends RuntimeException
    permits BadInputException, CheckFailedException, StoppedException, InternalErrorException {
  private final String subject;

  /**
   * @param subject the file, node or field concerned (may be null when the message alone says it)
   * @param message one line naming the subject and what is wrong
   * @param cause the underlying failure, or null
   */
  protected LcnnException(String subject, String message, Throwable cause) {
    super(PrintableText.oneLine(message), cause);
    this.subject = subject;
  }

  /** The file, node or field concerned, or null when only the message names it. */
  public String subject() {
    return subject;
  }
}
