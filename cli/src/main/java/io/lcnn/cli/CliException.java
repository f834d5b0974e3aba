package io.lcnn.cli;

import io.lcnn.errors.BadInputException;

/** A bad command line (a missing or contradictory flag): one line naming the flag; exit code 2. */
public class CliException extends BadInputException {
  /** A one-line message naming the flag. */
  public CliException(String message) {
    super(message);
  }
}
