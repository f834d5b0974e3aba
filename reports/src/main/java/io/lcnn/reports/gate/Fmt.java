package io.lcnn.reports.gate;

import io.lcnn.reports.Numbers;

/**
 * Number formatting for gate messages: four significant digits ({@link Numbers#sig4}), but NaN
 * and infinities spelled as Java writes them, since a gate line must say exactly what failed.
 */
final class Fmt {
  private Fmt() {}

  static String num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? Double.toString(v) : Numbers.sig4(v);
  }
}
