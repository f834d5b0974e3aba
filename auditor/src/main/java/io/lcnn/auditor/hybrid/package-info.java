/**
 * Hybrid differentiation of a model with one node that has no gradient rule: the graph is cut at
 * that node, the parts before and after it are differentiated exactly (vector-Jacobian products
 * from graphs the differentiator writes), and only the node's own Jacobian-transpose-vector
 * product is taken by central differences of the node alone, in its own small ONNX Runtime
 * session, with as few perturbations as its Jacobian's sparsity allows. Entry point:
 * {@link io.lcnn.auditor.hybrid.HybridOracleFactory}; see docs/audit.md.
 */
package io.lcnn.auditor.hybrid;
