package io.lcnn.trainer.train;

/** A training stopped by a {@link StopRequest}, after writing its checkpoint; the message is one line. */
public class TrainingStoppedException extends io.lcnn.errors.StoppedException {
  /** A one-line message and the process exit status the stop calls for (130 or 143). */
  public TrainingStoppedException(String message, int exitCode) {
    super(message, exitCode);
  }
}
