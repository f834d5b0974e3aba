package io.lcnn.reports.gate;

import io.lcnn.auditor.result.Stats;
import java.util.Locale;

/** Which summary statistic of a split a limit applies to. */
public enum Statistic {
  /** Mean over the split. */
  MEAN,
  /** Median over the split. */
  MEDIAN,
  /** 90th percentile over the split (linear interpolation). */
  P90,
  /** Largest value over the split. */
  MAX;

  /** The statistic's value in {@code s}. */
  public double of(Stats s) {
    return switch (this) {
      case MEAN -> s.mean();
      case MEDIAN -> s.median();
      case P90 -> s.p90();
      case MAX -> s.max();
    };
  }

  /** Lower-case name as written in flags, e.g. {@code p90}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code mean}, {@code median}, {@code p90} or {@code max}.
   *
   * @throws IllegalArgumentException for any other word
   */
  public static Statistic parse(String word) {
    return switch (word.trim().toLowerCase(Locale.ROOT)) {
      case "mean" -> MEAN;
      case "median" -> MEDIAN;
      case "p90" -> P90;
      case "max" -> MAX;
      default -> throw new IllegalArgumentException(
          "unknown statistic '" + word + "' (use mean, median, p90 or max)");
    };
  }
}
