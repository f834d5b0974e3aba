package io.lcnn.datasets;

/**
 * A dataset or array file that cannot be read as asked. The message is one line naming the file
 * and what is wrong with it.
 */
public class DatasetException extends io.lcnn.errors.BadInputException {
  /** A one-line message naming the file and the problem. */
  public DatasetException(String message) {
    super(message);
  }

  /** A one-line message naming the file and the problem, with its cause. */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
