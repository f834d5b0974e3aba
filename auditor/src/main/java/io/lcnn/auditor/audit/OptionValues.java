package io.lcnn.auditor.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values of a set of {@link AuditOption}s, keyed by option key, immutable and serializable;
 * unset options read their default. Also parses a command line against the set.
 */
public final class OptionValues implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, Serializable> values;

  private OptionValues(LinkedHashMap<String, Serializable> values) {
    this.values = values;
  }

  /** No option set: every option reads its default. */
  public static OptionValues empty() {
    return new OptionValues(new LinkedHashMap<>());
  }

  /** The value of {@code option}: the set one, else its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(AuditOption<T> option) {
    return values.containsKey(option.key()) ? (T) values.get(option.key()) : option.defaultValue();
  }

  /** Whether {@code option} was set explicitly. */
  public boolean isSet(AuditOption<?> option) {
    return values.containsKey(option.key());
  }

  /** A copy with {@code option} set to {@code value} (checked; null unsets it). */
  public <T> OptionValues with(AuditOption<T> option, T value) {
    LinkedHashMap<String, Serializable> copy = new LinkedHashMap<>(values);
    if (value == null) {
      copy.remove(option.key());
    } else {
      copy.put(option.key(), AuditOption.serializable(option.check(value)));
    }
    return new OptionValues(copy);
  }

  /** Every option of {@code registry} with its value (set or default), keyed by option key, in registry order. */
  public Map<String, Object> asMap(List<AuditOption<?>> registry) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (AuditOption<?> o : registry) {
      out.put(o.key(), get(o));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Parses {@code --flag value}, {@code --flag=value} and switches against {@code registry}.
   *
   * @throws IllegalArgumentException one line naming the flag: unknown flag, missing value,
   *     unparsable or invalid value
   */
  public static OptionValues parse(List<AuditOption<?>> registry, List<String> args) {
    Map<String, AuditOption<?>> byFlag = new LinkedHashMap<>();
    for (AuditOption<?> o : registry) {
      o.flags().forEach(f -> byFlag.put(f, o));
    }
    OptionValues v = empty();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a;
      String text = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flag = a.substring(0, eq);
        text = a.substring(eq + 1);
      }
      AuditOption<?> o = byFlag.get(flag);
      if (o == null) {
        throw new IllegalArgumentException(a.startsWith("-") ? "unknown option '" + a + "'" : "unexpected argument '" + a + "'");
      }
      if (text == null) {
        if (o.isSwitch()) {
          text = "true";
        } else if (i + 1 < args.size()) {
          text = args.get(++i);
        } else {
          throw new IllegalArgumentException(flag + " needs a value");
        }
      }
      v = set(v, o, text);
    }
    return v;
  }

  private static <T> OptionValues set(OptionValues v, AuditOption<T> o, String text) {
    return v.with(o, o.parse(text));
  }

  /** {@code --help} text: one line per flagged option with its default. */
  public static String usage(String header, List<AuditOption<?>> registry) {
    StringBuilder sb = new StringBuilder(header).append("\n  Options:\n");
    List<AuditOption<?>> flagged = new ArrayList<>();
    registry.stream().filter(o -> !o.flags().isEmpty()).forEach(flagged::add);
    for (AuditOption<?> o : flagged) {
      sb.append("    ").append(String.join(", ", o.flags()));
      if (!o.isSwitch()) {
        sb.append(" <value>");
      }
      sb.append("\n      ").append(o.doc());
      if (o.defaultValue() != null && !o.isSwitch()) {
        Object d = o.defaultValue();
        sb.append("\n      Default: ").append(d instanceof List<?> l ? joined(l) : d);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String joined(List<?> l) {
    StringBuilder sb = new StringBuilder();
    for (Object x : l) {
      sb.append(sb.length() == 0 ? "" : ",").append(x);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptionValues other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
