package io.lcnn.auditor.hybrid;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Input gradients of the loss of a model cut at one node U ({@link CutGraphs}): one run of the
 * model for U's inputs a and outputs o; the exact gradient of the rest with respect to (x, o);
 * Jᵀ_U·∂rest/∂o by central differences of U alone ({@link NodeJacobian}); and the exact
 * vector-Jacobian product of the prefix x → a with that. The sum of the two paths is ∇ₓ loss, exact
 * but for the node's finite-difference error. Losses and outputs are those of the rest graph,
 * i.e. of the model.
 */
final class HybridGradientOracle implements GradientOracle {
  /** Gradient mode reported in audit.json. */
  static final String MODE = "exact-except-nodes";

  private final CutGraphs cut;
  private final OrtSession probed;
  private final GradientOracle rest;
  private final OrtSession prefixVjp;
  private final DifferentiatedModel prefix;
  private final NodeJacobian node;
  private final String input;
  private final int dx;
  private final int da;
  private final int doo;

  HybridGradientOracle(CutGraphs cut, OrtSession probed, ExactOracles rest, OrtSession prefixVjp,
      DifferentiatedModel prefix, NodeJacobian node, String input, int dx) {
    this.cut = cut;
    this.probed = probed;
    this.rest = rest.gradient();
    this.prefixVjp = prefixVjp;
    this.prefix = prefix;
    this.node = node;
    this.input = input;
    this.dx = dx;
    this.da = cut.packedSize(cut.activeInputs());
    this.doo = cut.packedSize(cut.usedOutputs());
  }

  /** U's packed inputs a [B·Da] and the packed z = [x, o] [B, Dx + Do] of a batch. */
  record Cut(float[] a, FloatTensor z) {}

  Cut cutAt(FloatTensor x) {
    List<String> names = new ArrayList<>(cut.activeInputs());
    names.addAll(cut.usedOutputs());
    Map<String, FloatTensor> r = TensorIO.run(probed, Map.of(input, x), Map.of(), names);
    int b = x.batchSize();
    float[] a = cut.pack(r, cut.activeInputs(), b);
    float[] o = cut.pack(r, cut.usedOutputs(), b);
    float[] z = new float[b * (dx + doo)];
    for (int i = 0; i < b; i++) {
      System.arraycopy(x.data(), i * dx, z, i * (dx + doo), dx);
      System.arraycopy(o, i * doo, z, i * (dx + doo) + dx, doo);
    }
    return new Cut(a, new FloatTensor(new long[] {b, dx + doo}, z));
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    return rest.forward(cutAt(x).z(), labels);
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    int b = x.batchSize();
    Cut c = cutAt(x);
    GradientResult r = rest.gradient(c.z(), labels);
    float[] gz = r.gradient().data();
    float[] w = new float[b * doo];
    float[] g = new float[b * dx];
    for (int i = 0; i < b; i++) {
      System.arraycopy(gz, i * (dx + doo), g, i * dx, dx);
      System.arraycopy(gz, i * (dx + doo) + dx, w, i * doo, doo);
    }
    float[] wa = node.transposeTimes(c.a(), w, b);
    float[] ga = prefixVjp(x, wa, b);
    for (int k = 0; k < g.length; k++) {
      g[k] += ga[k];
    }
    return new GradientResult(r.loss(), r.output(), new FloatTensor(x.shape().clone(), g));
  }

  private float[] prefixVjp(FloatTensor x, float[] cotangent, int b) {
    Map<String, FloatTensor> r = TensorIO.run(prefixVjp,
        Map.of(prefix.input(), x, DifferentiatedModel.COTANGENT, new FloatTensor(new long[] {b, da}, cotangent)),
        Map.of(), List.of(DifferentiatedModel.GRAD));
    return r.get(DifferentiatedModel.GRAD).data();
  }

  @Override
  public String mode() {
    return MODE;
  }

  /** Closes the sessions this oracle opened (not the rest graph's oracles). */
  void closeSessions() throws OrtException {
    probed.close();
    prefixVjp.close();
  }
}
