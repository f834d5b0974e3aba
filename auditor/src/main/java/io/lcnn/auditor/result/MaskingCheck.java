package io.lcnn.auditor.result;

/**
 * One gradient-masking check.
 *
 * @param name short identifier, e.g. {@code "accuracy-monotone-in-eps"}
 * @param passed whether the model passed
 * @param figure the measured figure the verdict rests on
 * @param threshold the value the figure was compared with (NaN when not numeric)
 * @param detail one sentence: what was measured and why it matters
 */
public record MaskingCheck(String name, boolean passed, double figure, double threshold, String detail) {}
