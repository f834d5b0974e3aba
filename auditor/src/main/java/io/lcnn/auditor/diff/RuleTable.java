package io.lcnn.auditor.diff;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The table from ONNX op type to its {@link GradientRule}; adding an op means adding a row. */
public final class RuleTable {
  private final Map<String, GradientRule> rules = new TreeMap<>();

  /** The standard rules: element-wise, arithmetic, linear, pooling, shape, reduction and normalization ops, Einsum and Resize. */
  public static RuleTable standard() {
    RuleTable t = new RuleTable();
    ElementwiseRules.register(t);
    ArithmeticRules.register(t);
    LinearRules.register(t);
    PoolingRules.register(t);
    ShapeRules.register(t);
    ReductionRules.register(t);
    NormalizationRules.register(t);
    CopyRules.register(t);
    t.put("Einsum", new EinsumRule());
    t.put("Resize", new ResizeRule());
    return t;
  }

  /** Adds or replaces the rule of an op type. */
  public RuleTable put(String opType, GradientRule rule) {
    rules.put(opType, rule);
    return this;
  }

  /** The rule for an op type, or null when it has none. */
  public GradientRule get(String opType) {
    return rules.get(opType);
  }

  /** Every op type with a rule, sorted. */
  public Map<String, GradientRule> all() {
    return Collections.unmodifiableMap(rules);
  }
}
