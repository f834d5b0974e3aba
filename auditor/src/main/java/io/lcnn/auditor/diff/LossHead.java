package io.lcnn.auditor.diff;

import java.util.List;

/**
 * Emits the per-sample classification loss of a [B, K] output and its adjoint, the seed of
 * reverse mode. For logits z: loss = logsumexp(z) − z_y, formed as log1p(Σ_{k≠y} e^{z_k−z_y})
 * when z_y is the maximum so confident samples keep their digits; adjoint softmax(z) − onehot(y)
 * with the y-entry formed as −Σ_{k≠y} p_k. For probabilities p that no Softmax produced:
 * loss = −log p_y, adjoint −onehot(y)/p_y. The adjoint is built from differentiable ops only.
 */
final class LossHead {
  private LossHead() {}

  /** The loss value and the adjoint of the differentiated output. */
  record Emitted(String loss, String adjoint) {}

  /**
   * Loss from logits.
   *
   * @param z logits [B, K]
   * @param softmax softmax(z) if the graph already computes it, else null
   * @param label int64 labels [B]
   */
  static Emitted fromLogits(GraphEmitter e, String z, String softmax, String label) {
    String onehot = onehot(e, z, label);
    String zero = e.scalarLike(0, z);
    String one = e.scalarLike(1, z);
    long[] ax = {1};
    String m = e.reduceMax(z, ax, true);
    String ez = e.op("Exp", e.op("Sub", z, m));
    String others = e.reduceSum(e.op("Where", onehot, zero, ez), ax, true);
    String zy = e.reduceSum(e.op("Where", onehot, z, zero), ax, true);
    String general = e.op("Add", e.op("Sub", m, zy), e.op("Log", e.op("Add", others, e.op("Exp", e.op("Sub", zy, m)))));
    String u = e.op("Add", one, others);
    String log1p = e.op("Where", e.op("Equal", u, one), others,
        e.op("Div", e.op("Mul", e.op("Log", u), others), e.op("Sub", u, one)));
    String loss = e.squeeze(e.op("Where", e.op("Equal", zy, m), log1p, general), 1);
    String p = softmax != null ? softmax : e.op("Softmax", List.of(z), Attrs.i("axis", -1));
    String rest = e.reduceSum(e.op("Where", onehot, zero, p), ax, true);
    String adjoint = e.op("Where", onehot, e.op("Neg", rest), p);
    return new Emitted(loss, adjoint);
  }

  /** Loss −log p_y from probabilities p [B, K]. */
  static Emitted fromProbabilities(GraphEmitter e, String p, String label) {
    String onehot = onehot(e, p, label);
    String zero = e.scalarLike(0, p);
    String py = e.reduceSum(e.op("Where", onehot, p, zero), new long[] {1}, true);
    String loss = e.squeeze(e.op("Neg", e.op("Log", py)), 1);
    String adjoint = e.op("Where", onehot, e.op("Neg", e.op("Reciprocal", py)), zero);
    return new Emitted(loss, adjoint);
  }

  private static String onehot(GraphEmitter e, String out, String label) {
    long k = e.facts().shape(out)[1];
    return e.op("Equal", e.unsqueeze(label, 1), e.ints(ShapeRules.range((int) k)));
  }
}
