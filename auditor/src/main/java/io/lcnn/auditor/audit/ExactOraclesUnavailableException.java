package io.lcnn.auditor.audit;

/**
 * Exact gradient/HVP graphs cannot be made for a model (unsupported ops, or none in this build).
 * The message is one line naming the blocking nodes; the audit falls back to finite differences
 * and records it.
 */
public class ExactOraclesUnavailableException extends RuntimeException {
  /** A one-line reason. */
  public ExactOraclesUnavailableException(String message) {
    super(message);
  }

  /** A one-line reason with its cause. */
  public ExactOraclesUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
