/**
 * The ONNX differentiator: builds gradient and exact Hessian-vector-product graphs of any ONNX
 * model by reverse-mode differentiation, one {@link io.lcnn.auditor.diff.GradientRule} per op type
 * ({@link io.lcnn.auditor.diff.RuleTable}), walked by {@link io.lcnn.auditor.diff.ReverseMode}.
 * Entry point: {@link io.lcnn.auditor.diff.GraphDifferentiator}; models it cannot handle raise
 * {@link io.lcnn.auditor.diff.UnsupportedOpsException}. See docs/differentiator.md.
 */
package io.lcnn.auditor.diff;
