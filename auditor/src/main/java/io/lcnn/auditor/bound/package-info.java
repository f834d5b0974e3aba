/**
 * The data-free curvature bound of Theorem 1 (Srinivas et al., NeurIPS 2022): the classifier's
 * graph is read as a chain of linear stages and elementwise activations ending in the
 * cross-entropy loss; each linear stage's operator norm comes from power iteration on its own
 * ONNX subgraph (forward and adjoint run on ONNX Runtime), each activation's slope and curvature
 * bounds are closed forms, and {@link io.lcnn.auditor.bound.CurvatureBound} combines them into
 * upper bounds on the normalized curvature, the Hessian spectral norm and the gradient norm of the
 * loss f(x) = CE(softmax(logits(x)), y) that the audit measures. See docs/geometry.md.
 */
package io.lcnn.auditor.bound;
