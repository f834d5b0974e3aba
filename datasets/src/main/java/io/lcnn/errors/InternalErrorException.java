package io.lcnn.errors;

/**
 * A failure that is lcnn's fault, not the input's (an unexpected exception wrapped at the CLI's
 * edge). The CLI exits with 3 and prints the stack trace only with {@code --debug}.
 */
public non-sealed class InternalErrorException extends LcnnException {
  /** A one-line message, with the unexpected failure as cause. */
  public InternalErrorException(String message, Throwable cause) {
    super(null, message, cause);
  }
}
