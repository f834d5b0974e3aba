package io.lcnn.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Control and format characters never survive; ordinary text, including non-ASCII, is untouched. */
class PrintableTextTest {
  @Test
  void escapeSequencesCarriageReturnsAndBellsAreReplaced() {
    assertEquals("node?[31mred??x?", PrintableText.of("node\u001b[31mred\r\nx\u0007"));
  }

  @Test
  void c1ControlsDeleteAndBidiOverridesAreReplaced() {
    assertEquals("a?b?c?d", PrintableText.of("a\u009bb\u007fc\u202ed"));
  }

  @Test
  void ordinaryTextIsReturnedAsIs() {
    String s = "‖∇f‖ = 1.5 — Gemm_0 /1/Conv (ε)";
    assertEquals(s, PrintableText.of(s));
    assertNull(PrintableText.of(null));
  }

  @Test
  void oneLineKeepsTheFirstLineOnly() {
    assertEquals("first ?[2J", PrintableText.oneLine("  first \u001b[2J\nsecond\n"));
  }

  @Test
  void linesKeepLineBreaksButNotCarriageReturns() {
    assertEquals("a?\nb?\n", PrintableText.lines("a\r\nb\u001b\n"));
  }
}
