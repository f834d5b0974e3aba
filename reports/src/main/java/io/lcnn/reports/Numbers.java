package io.lcnn.reports;

import java.util.Locale;

/** Number formatting shared by the console table and the HTML report: four significant digits. */
public final class Numbers {
  private Numbers() {}

  /** Four significant digits, scientific below 1e-3 and from 1e6; "n/a" for NaN. */
  public static String sig4(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains("e") || !s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A share in [0, 1] as a percentage with one decimal, e.g. {@code 91.3%}. */
  public static String percent(double share) {
    return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
