package io.lcnn.reports.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.reports.ReportInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads gate rules from {@code policy.json} and from the {@code lcnn gate} flags; both use the
 * same words and the same {@code key=value} syntax (see docs/gate.md). Every error is one line
 * naming the file or flag and the field.
 */
public final class PolicyParser {
  /** Strict: duplicate keys and anything after the top-level object are refused. */
  private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final Set<String> KEYS = Set.of(
      "split", "max-curvature", "max-grad-norm", "max-hessian-norm", "min-accuracy", "min-robust-accuracy",
      "max-discrepancy", "baseline", "max-regression", "require-exact", "require-masking-checks",
      "max-self-check-error", "description");

  private PolicyParser() {}

  /**
   * Reads a policy.json. A relative {@code baseline} path is resolved against the policy's folder.
   *
   * @throws ReportInputException naming the file and field on any error
   */
  public static Policy read(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new ReportInputException(file + ": not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
    } catch (IOException e) {
      throw new ReportInputException(file + ": cannot read policy (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new ReportInputException(file + ": a policy must be a JSON object");
    }
    try {
      return parse(root, file.toAbsolutePath().getParent());
    } catch (FieldException e) {
      throw new ReportInputException(file + ": field '" + e.field + "': " + e.getMessage(), e);
    }
  }

  private static Policy parse(JsonNode root, Path dir) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new FieldException(k, "unknown rule (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
      }
    }
    String split = root.has("split") ? text(root, "split") : "test";
    List<GateRule> rules = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      switch (key) {
        case "max-curvature", "max-grad-norm", "max-hessian-norm" -> {
          Quantity q = Quantity.parse(key.substring(4));
          for (Map.Entry<String, Double> e : numberMap(root, key).entrySet()) {
            rules.add(field(key + "." + e.getKey(),
                () -> new StatLimitRule(q, Statistic.parse(e.getKey()), e.getValue(), split)));
          }
        }
        case "min-accuracy" -> rules.add(field(key, () -> new MinAccuracyRule(number(root.get(key), key), split)));
        case "min-robust-accuracy" -> {
          for (Map.Entry<String, Double> e : numberMap(root, key).entrySet()) {
            rules.add(field(key + "." + e.getKey(), () -> new MinRobustAccuracyRule(parseNumber(e.getKey()), e.getValue())));
          }
        }
        case "max-discrepancy" -> {
          for (Map.Entry<String, Double> e : numberMap(root, key).entrySet()) {
            rules.add(field(key + "." + e.getKey(), () -> MaxDiscrepancyRule.parse(e.getKey(), e.getValue())));
          }
        }
        case "require-exact" -> {
          if (bool(root, key)) {
            rules.add(new RequireExactRule());
          }
        }
        case "require-masking-checks" -> {
          if (bool(root, key)) {
            rules.add(new MaskingChecksRule());
          }
        }
        case "max-self-check-error" -> rules.add(field(key, () -> new MaxSelfCheckErrorRule(number(root.get(key), key))));
        default -> {
          // split, baseline, max-regression and description are read below or are comments
        }
      }
    }
    Path baseline = root.has("baseline") ? dir.resolve(text(root, "baseline")) : null;
    double margin = 0;
    if (root.has("max-regression")) {
      JsonNode m = root.get("max-regression");
      margin = field("max-regression", () -> m.isNumber() ? checkFraction(m.asDouble()) : fraction(m.asText()));
      if (baseline == null) {
        throw new FieldException("max-regression", "needs a 'baseline' to compare with");
      }
    }
    return new Policy(rules, baseline, margin);
  }

  /** Rules from a {@code --max-curvature}-style flag value: {@code p90=50} (several separated by commas). */
  public static List<GateRule> statLimits(Quantity q, String spec) {
    List<GateRule> rules = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] kv = keyValue("--max-" + q.key(), part);
      rules.add(flag("--max-" + q.key(), () -> new StatLimitRule(q, Statistic.parse(kv[0]), parseNumber(kv[1]), "test")));
    }
    return rules;
  }

  /** A rule from a {@code --min-robust-accuracy} flag value: {@code ε=accuracy}, e.g. {@code 0.1=0.6}. */
  public static GateRule robustAccuracy(String spec) {
    String[] kv = keyValue("--min-robust-accuracy", spec);
    return flag("--min-robust-accuracy", () -> new MinRobustAccuracyRule(parseNumber(kv[0]), parseNumber(kv[1])));
  }

  /**
   * A rule from a {@code --max-discrepancy} flag value: {@code quantity=limit}, e.g. {@code curvature=0.1}, or
   * {@code curvature:upper=0.1} for the upper end of the bootstrap interval.
   */
  public static GateRule discrepancy(String spec) {
    String[] kv = keyValue("--max-discrepancy", spec);
    return flag("--max-discrepancy", () -> MaxDiscrepancyRule.parse(kv[0], parseNumber(kv[1])));
  }

  /** A plain number from a flag, e.g. {@code --min-accuracy 0.85}. */
  public static double flagNumber(String flag, String text) {
    return flag(flag, () -> parseNumber(text));
  }

  /**
   * A relative margin: {@code 10%} or {@code 0.1} both mean 0.1.
   *
   * @throws IllegalArgumentException when not a number in [0, 1] (or [0%, 100%])
   */
  public static double fraction(String text) {
    String t = text.trim();
    double v = t.endsWith("%") ? parseNumber(t.substring(0, t.length() - 1)) / 100 : parseNumber(t);
    return checkFraction(v);
  }

  private static double checkFraction(double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("a margin must lie in [0, 1] or [0%, 100%], got " + v);
    }
    return v;
  }

  private static double parseNumber(String text) {
    try {
      double v = Double.parseDouble(text.trim());
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("'" + text + "' is not a finite number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
  }

  private static String[] keyValue(String flag, String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new ReportInputException(flag + " " + spec + ": expected key=value");
    }
    return new String[] {spec.substring(0, eq).trim(), spec.substring(eq + 1).trim()};
  }

  /**
   * Runs {@code s} (e.g. a rule's constructor on a flag's value) and reports an invalid value as
   * bad input naming the flag.
   */
  public static <T> T flag(String flag, java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (ReportInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ReportInputException(flag + ": " + e.getMessage(), e);
    }
  }

  private static <T> T field(String field, java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (FieldException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new FieldException(field, e.getMessage());
    }
  }

  private static Map<String, Double> numberMap(JsonNode root, String key) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    JsonNode n = root.get(key);
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      throw new FieldException(key, "expected an object such as {\"p90\": 50}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), number(e.getValue(), key + "." + e.getKey()));
    }
    return out;
  }

  private static double number(JsonNode n, String field) {
    if (n == null || !n.isNumber()) {
      throw new FieldException(field, "expected a number" + (n != null && n.isTextual() ? ", not the string \"" + n.asText() + "\"" : ""));
    }
    if (!Double.isFinite(n.asDouble())) {
      throw new FieldException(field, n + " is not a finite number");
    }
    return n.asDouble();
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual()) {
      throw new FieldException(field, "expected a string");
    }
    return n.asText();
  }

  private static boolean bool(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new FieldException(field, "expected true or false");
    }
    return n.asBoolean();
  }

  /** An error about one field of policy.json. */
  private static final class FieldException extends IllegalArgumentException {
    private final String field;

    FieldException(String field, String message) {
      super(message);
      this.field = field;
    }
  }
}
