package io.lcnn.auditor.audit;

/** Audit inputs that do not fit the model; the message is one line naming the file and field. */
public class InvalidInputException extends io.lcnn.errors.BadInputException {
  /** A one-line message naming the file and what is wrong. */
  public InvalidInputException(String message) {
    super(message);
  }
}
