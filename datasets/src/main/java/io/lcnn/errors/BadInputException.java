package io.lcnn.errors;

/**
 * The user's input is wrong: a file that cannot be read as asked, a flag value out of range, a
 * model or audit.json outside what lcnn accepts. Nothing was written. The CLI exits with 2.
 */
public non-sealed class BadInputException extends LcnnException {
  /** A one-line message that names the file or field itself. */
  public BadInputException(String message) {
    super(null, message, null);
  }

  /** A one-line message that names the file or field itself, with its cause. */
  public BadInputException(String message, Throwable cause) {
    super(null, message, cause);
  }

  /**
   * @param subject the file, node or field concerned
   * @param message one line naming the subject and what is wrong
   * @param cause the underlying failure, or null
   */
  public BadInputException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
