package io.lcnn.auditor.attack;

import java.util.Map;

/**
 * The valid range [lo, hi] of every input value (e.g. pixels in [0, 1]); adversarial inputs are
 * clipped to it.
 *
 * @param lo smallest valid value
 * @param hi largest valid value, greater than {@code lo}
 */
public record InputRange(double lo, double hi) {

  /** Pixel space [0, 1], the default. */
  public static final InputRange UNIT = new InputRange(0, 1);

  /** The exporter's metadata key holding {@code "lo,hi"}. */
  public static final String METADATA_KEY = "input_range";

  /** Checks {@code lo < hi} and both finite. */
  public InputRange {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException("input range needs finite lo < hi, got [" + lo + ", " + hi + "]");
    }
  }

  /**
   * Parses {@code "lo,hi"}.
   *
   * @param source what the text came from, for the error message (e.g. {@code "--input-range"})
   */
  public static InputRange parse(String source, String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException(source + ": input range must be 'lo,hi', not '" + text + "'");
    }
    try {
      return new InputRange(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": input range must be two numbers 'lo,hi', not '" + text + "'");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage());
    }
  }

  /**
   * The range declared in a model's metadata ({@value #METADATA_KEY}), else {@code fallback}.
   *
   * @param metadata the model's metadata_props
   */
  public static InputRange fromMetadata(Map<String, String> metadata, InputRange fallback) {
    String v = metadata.get(METADATA_KEY);
    return v == null ? fallback : parse("model metadata '" + METADATA_KEY + "'", v);
  }

  /** {@code [lo, hi]} as written into audit.json. */
  public double[] toArray() {
    return new double[] {lo, hi};
  }

  /** {@code v} clipped to the range. */
  public double clip(double v) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
