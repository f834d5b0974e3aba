package io.lcnn.trainer.train;

/** Training stopped because the loss became NaN or infinite; the message says which checkpoint was kept. */
public class TrainingDivergedException extends RuntimeException {
  /** A one-line message. */
  public TrainingDivergedException(String message) {
    super(message);
  }
}
