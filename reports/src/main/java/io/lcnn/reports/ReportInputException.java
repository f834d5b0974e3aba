package io.lcnn.reports;

/**
 * Bad input to a report or gate: an unreadable or incomplete audit.json, a bad policy, or a rule
 * that names a block the audit lacks. The message is one line naming the file and the field; the
 * CLI exits with code 2.
 */
public class ReportInputException extends io.lcnn.errors.BadInputException {
  /** One-line message naming the file and field. */
  public ReportInputException(String message) {
    super(message);
  }

  /** One-line message naming the file and field, with its cause. */
  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
