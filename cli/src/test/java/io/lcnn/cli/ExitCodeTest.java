package io.lcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.datasets.DatasetException;
import io.lcnn.errors.CheckFailedException;
import io.lcnn.errors.LcnnException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one mapping of failures to exit codes: bad input 2, a failed check 1, anything unexpected
 * 3 with a one-line message; --debug is accepted after the command; an unknown option is named.
 */
class ExitCodeTest {
  private static int code(RuntimeException e) {
    return Main.exitCode(Main.classify(e));
  }

  @Test
  void badInputIsTwoCheckFailedIsOneUnexpectedIsThree() {
    assertEquals(2, code(new ModelLoadException("m.onnx: bad")));
    assertEquals(2, code(new DatasetException("x.npy: bad")));
    assertEquals(2, code(new CliException("--out is required")));
    assertEquals(2, code(new IllegalArgumentException("--eigen: unknown solver")));
    assertEquals(2, code(new UncheckedIOException(new java.io.IOException("disk full"))));
    assertEquals(1, code(new CheckFailedException("training diverged")));
    assertEquals(3, code(new NullPointerException("Cannot invoke \"FloatBuffer.remaining()\" because \"fb\" is null")));
    assertEquals(3, code(new IllegalStateException("x")));
    assertEquals(3, code(new ArrayIndexOutOfBoundsException(5)));
  }

  @Test
  void internalErrorMessageIsOneLineSayingSo() {
    LcnnException e = Main.classify(new NullPointerException("a\nb\u001b[2J"));
    assertEquals("internal error: NullPointerException: a (run with --debug for the stack trace and please report it)",
        e.getMessage());
  }

  @Test
  void debugFlagIsAcceptedAfterTheCommand() {
    CliRun r = CliRun.of("audit", "--debug", "--model", "/nonexistent/m.onnx", "--out", "/nonexistent/o",
        "--inputs", "x.npy", "--labels", "y.npy");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(!r.err().contains("unknown option"), r.err());
  }

  @Test
  void unknownOptionIsNamedWithTheNearestKnownOne() {
    CliRun r = CliRun.of("gate", "--polcy", "p.json", "a/audit.json");
    assertEquals(2, r.exitCode());
    assertEquals(List.of("lcnn gate: unknown option --polcy (did you mean --policy?); see 'lcnn gate --help'"),
        r.err().lines().toList());
  }

  @Test
  void unknownOptionFarFromAnyIsNamedWithoutAGuess() {
    CliRun r = CliRun.of("report", "--zzzzzzzzzzzz", "a/audit.json");
    assertEquals(2, r.exitCode());
    assertEquals(List.of("lcnn report: unknown option --zzzzzzzzzzzz; see 'lcnn report --help'"), r.err().lines().toList());
  }
}
