package io.lcnn.trainer.train;

/** A checkpoint folder that cannot be used as asked; the message is one line naming the folder. */
public class CheckpointException extends RuntimeException {
  /** A one-line message. */
  public CheckpointException(String message) {
    super(message);
  }

  /** A one-line message with its cause. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
