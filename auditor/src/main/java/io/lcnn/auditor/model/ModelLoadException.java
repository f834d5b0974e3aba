package io.lcnn.auditor.model;

/** A model file that cannot be audited (bad input, exit 2); the message is one line naming the file or node. */
public class ModelLoadException extends io.lcnn.errors.BadInputException {
  /** A one-line message naming the file or node. */
  public ModelLoadException(String message) {
    super(message);
  }

  /** A one-line message naming the file or node, with its cause. */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
