package io.lcnn.auditor.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option, declared once: its name in audit.json and the Java API ({@code key}), its
 * command-line flags, default, one line of documentation, how its text is parsed and which
 * values are valid. The command line, the demo, audit.json's {@code settings}, the Java API and
 * distributed jobs all read options through these entries (see {@link AuditOptions#ALL}).
 *
 * <p>Adding an option is one entry: e.g.
 * {@code AuditOption.integer("eigenK", "--eigen-k", 1, "Top eigenvalues per sample", 1)} in
 * {@link AuditOptions}, added to its {@code ALL} list.
 *
 * @param key the name in audit.json {@code settings} and in {@link AuditOptions#get}
 * @param flags command-line flags (empty: not settable from the command line)
 * @param defaultValue the default (null: unset)
 * @param doc one line for {@code --help}
 * @param parser text of the flag to value; throws IllegalArgumentException naming the problem
 * @param valid which values are accepted
 * @param requirement what {@code valid} demands, for the error message (e.g. "≥ 1")
 * @param <T> the value type (immutable and serializable: Integer, Long, Double, Boolean, String, List)
 */
public record AuditOption<T>(
    String key,
    List<String> flags,
    T defaultValue,
    String doc,
    Function<String, T> parser,
    Predicate<T> valid,
    String requirement) {

  /** The first flag, or the key when the option has no flag. */
  public String flag() {
    return flags.isEmpty() ? key : flags.get(0);
  }

  /** A copy that also answers to {@code alias} (after its own flags). */
  public AuditOption<T> withAlias(String alias) {
    List<String> all = new ArrayList<>(flags);
    all.add(alias);
    return new AuditOption<>(key, List.copyOf(all), defaultValue, doc, parser, valid, requirement);
  }

  /** Whether this is an on/off flag that takes no value. */
  public boolean isSwitch() {
    return defaultValue instanceof Boolean;
  }

  /** Parses and checks a command-line value; the message names the flag. */
  public T parse(String text) {
    T v;
    try {
      v = parser.apply(text.trim());
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new IllegalArgumentException(m != null && m.startsWith(flag()) ? m : flag() + ": " + m, e);
    }
    return check(v);
  }

  /** Returns {@code v} when valid; otherwise throws a one-line message naming the flag. */
  public T check(T v) {
    if (v != null && !valid.test(v)) {
      throw new IllegalArgumentException(flag() + " must be " + requirement + ", not " + show(v));
    }
    return v;
  }

  private static String show(Object v) {
    return v instanceof String ? "'" + v + "'" : String.valueOf(v);
  }

  /** An integer option with a lower bound. */
  public static AuditOption<Integer> integer(String key, String flag, int def, String doc, int min) {
    return new AuditOption<>(key, flagList(flag), def, doc, t -> number(t, Integer::parseInt, "an integer"), v -> v >= min, "≥ " + min);
  }

  /** A long option (any value). */
  public static AuditOption<Long> longValue(String key, String flag, long def, String doc) {
    return new AuditOption<>(key, flagList(flag), def, doc, t -> number(t, Long::parseLong, "an integer"), v -> true, "an integer");
  }

  /** A real option whose values satisfy {@code valid} ({@code requirement} says how). */
  public static AuditOption<Double> real(String key, String flag, double def, String doc, Predicate<Double> valid, String requirement) {
    return new AuditOption<>(key, flagList(flag), def, doc, t -> number(t, Double::parseDouble, "a number"), valid, requirement);
  }

  /** One of the given words; the default is the first. */
  public static AuditOption<String> choice(String key, String flag, String doc, String... words) {
    List<String> allowed = List.of(words);
    String requirement = String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.get(allowed.size() - 1);
    return new AuditOption<>(key, flagList(flag), words[0], doc, t -> t.toLowerCase(Locale.ROOT), allowed::contains, requirement);
  }

  /** Free text (a path, a name); null default means unset. */
  public static AuditOption<String> text(String key, String flag, String def, String doc) {
    return new AuditOption<>(key, flagList(flag), def, doc, t -> t, v -> true, "text");
  }

  /** An on/off switch, off by default. */
  public static AuditOption<Boolean> flagSwitch(String key, String flag, String doc) {
    return new AuditOption<>(key, flagList(flag), false, doc, Boolean::parseBoolean, v -> true, "true or false");
  }

  /**
   * A size in bytes written as a number with an optional binary suffix ({@code 512m}, {@code 2g},
   * {@code 1.5G}, {@code 65536}; k, m, g, t are powers of 1024), or {@code auto} for 0.
   */
  public static AuditOption<Long> bytes(String key, String flag, long def, String doc) {
    return new AuditOption<>(key, flagList(flag), def, doc, AuditOption::parseBytes, v -> v >= 0, "a size ≥ 0");
  }

  private static Long parseBytes(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return 0L;
    }
    String digits = t.endsWith("b") ? t.substring(0, t.length() - 1) : t;
    int shift = 0;
    if (!digits.isEmpty()) {
      shift = switch (digits.charAt(digits.length() - 1)) {
        case 'k' -> 10;
        case 'm' -> 20;
        case 'g' -> 30;
        case 't' -> 40;
        default -> 0;
      };
    }
    String number = shift == 0 ? digits : digits.substring(0, digits.length() - 1);
    double v = number(number.trim(), Double::parseDouble, "a size (e.g. 512m, 2g or auto)");
    double bytes = Math.floor(v * (1L << shift));
    if (!(v >= 0) || !Double.isFinite(v) || bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 512m, 2g or auto)");
    }
    return (long) bytes;
  }

  /** A comma-separated list of positive radii, sorted and deduplicated; null default means "the component's". */
  public static AuditOption<List<Double>> radii(String key, String flag, List<Double> def, String doc) {
    return new AuditOption<>(key, flagList(flag), def, doc, AuditOption::parseRadii, v -> !v.isEmpty(), "a non-empty list");
  }

  private static List<String> flagList(String flag) {
    return flag == null ? List.of() : List.of(flag);
  }

  private static <N> N number(String t, Function<String, N> f, String what) {
    try {
      return f.apply(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + t + "' is not " + what);
    }
  }

  private static List<Double> parseRadii(String text) {
    List<Double> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      double v = number(part.trim(), Double::parseDouble, "a number");
      if (!(v > 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("radii must be positive, got " + part.trim());
      }
      out.add(v);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("needs at least one radius, got '" + text + "'");
    }
    return List.copyOf(out.stream().sorted().distinct().toList());
  }

  /** Marker for the serialized form: values are stored by key. */
  static Serializable serializable(Object v) {
    return v instanceof List<?> l ? new ArrayList<>(l) : (Serializable) v;
  }
}
