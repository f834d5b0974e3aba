package io.lcnn.auditor.result;

/**
 * The outcome of one CI gate rule.
 *
 * @param rule the rule as written, e.g. {@code "max-curvature p90=50"}
 * @param passed whether it held
 * @param actual the measured value
 * @param limit the threshold it was compared with
 * @param message one line for the console and JUnit XML
 */
public record GateOutcome(String rule, boolean passed, double actual, double limit, String message) {}
