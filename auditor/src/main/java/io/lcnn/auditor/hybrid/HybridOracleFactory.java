package io.lcnn.auditor.hybrid;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.audit.ExactOraclesUnavailableException;
import io.lcnn.auditor.audit.OracleSet;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.UnsupportedOpsException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.UniformSamples;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Oracles for a model that exact differentiation refused because of exactly one node: gradients
 * from {@link HybridGradientOracle} (exact but for that node's central differences), H·v by
 * central differences of those gradients ({@link FiniteDifferenceHvpOracle}, by default with its
 * step over finite-difference gradients). On construction the node's Jᵀw is checked against an independent J·v
 * on a probe sample (w·(Jv) = (Jᵀw)·v); {@link #reason()} states what was approximated, how, and
 * that check's relative error, for audit.json's {@code model.fallbackReasons}.
 */
public final class HybridOracleFactory {
  private static final String PACKED_INPUT = "lcnn_cut_z";
  private static final String PACKED_A = "lcnn_cut_a";

  private final String reason;
  private final OracleSet oracles;

  private HybridOracleFactory(String reason, OracleSet oracles) {
    this.reason = reason;
    this.oracles = oracles;
  }

  /**
   * Builds hybrid oracles.
   *
   * @param refusal why exact differentiation was refused
   * @param hvpStep the H·v central-difference perturbation norm relative to the input scale
   * @throws ExactOraclesUnavailableException when more than one node blocks, or the cut graphs
   *     cannot be differentiated or run
   */
  public static HybridOracleFactory create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind,
      UnsupportedOpsException refusal, double hvpStep) {
    if (refusal.blockers().size() != 1) {
      throw new ExactOraclesUnavailableException("hybrid differentiation takes one unsupported node, the model has "
          + refusal.blockers().size());
    }
    UnsupportedOpsException.Blocker blocker = refusal.blockers().get(0);
    OnnxMl.NodeProto node = find(model, blocker);
    ExactOracles rest = null;
    NodeJacobian jac = null;
    OrtSession probed = null;
    OrtSession prefixSession = null;
    try {
      CutGraphs cut = new CutGraphs(model, node, runtime);
      int dx = Math.toIntExact(FloatTensor.numel(model.sampleShape()));
      rest = ExactOracles.create(OnnxModelFile.parse(model.path(), cut.rest(PACKED_INPUT).toByteArray()), runtime, kind);
      DifferentiatedModel prefix = GraphDifferentiator.standard().vjp(cut.prefix(PACKED_A),
          model.path().getFileName() + " (before '" + blocker.node() + "')");
      prefixSession = runtime.open(prefix.gradient().toByteArray());
      probed = runtime.open(cut.probed().toByteArray());
      jac = new NodeJacobian(cut, runtime);
      HybridGradientOracle gradient =
          new HybridGradientOracle(cut, probed, rest, prefixSession, prefix, jac, model.inputName(), dx);
      float[] a0 = gradient.cutAt(UniformSamples.of(1, model.sampleShape(), 13)).a();
      jac.learnSparsity(a0);
      double check = adjointCheck(jac, a0, cut.packedSize(cut.activeInputs()), cut.packedSize(cut.usedOutputs()));
      String reason = String.format(Locale.ROOT,
          "node %s differentiated by central differences of the node alone (%s Jacobian, %d evaluations per sample"
              + " and gradient; adjoint check w·(Jv) vs (Jᵀw)·v on a probe: relative difference %.1e); the rest of the"
              + " graph exactly; H·v by central differences of these gradients (relative step %s)",
          blocker, jac.diagonal() ? "diagonal" : "sparse", jac.evaluationsPerSample(), check, hvpStep);
      ExactOracles restOracles = rest;
      NodeJacobian nodeJac = jac;
      AutoCloseable sessions = () -> {
        gradient.closeSessions();
        nodeJac.close();
      };
      FiniteDifferenceHvpOracle hvp = new FiniteDifferenceHvpOracle(gradient, hvpStep);
      return new HybridOracleFactory(reason, new OracleSet(gradient, hvp, List.of(restOracles, sessions)));
    } catch (OrtException | RuntimeException e) {
      closeQuietly(rest);
      closeQuietly(jac);
      closeQuietly(probed);
      closeQuietly(prefixSession);
      throw new ExactOraclesUnavailableException("hybrid differentiation around " + blocker + " failed: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /** What was approximated and how, one line. */
  public String reason() {
    return reason;
  }

  /** The gradient and HVP oracles with their sessions. */
  public OracleSet oracles() {
    return oracles;
  }

  private static OnnxMl.NodeProto find(OnnxModelFile model, UnsupportedOpsException.Blocker b) {
    String name = b.node();
    String output = name.startsWith("#") && name.contains(" -> ") ? name.substring(name.indexOf(" -> ") + 4) : null;
    for (OnnxMl.NodeProto n : model.proto().getGraph().getNodeList()) {
      if (output == null ? n.getName().equals(name) : n.getOutputList().contains(output)) {
        return n;
      }
    }
    throw new ExactOraclesUnavailableException("node " + b + " is not in the model graph; cannot cut there");
  }

  /** |w·(Jv) − (Jᵀw)·v| / (‖w‖‖Jv‖) for random v, w at a0. */
  private static double adjointCheck(NodeJacobian jac, float[] a0, int da, int doo) {
    Random r = new Random(17);
    float[] v = new float[da];
    float[] w = new float[doo];
    for (int j = 0; j < da; j++) {
      v[j] = (float) r.nextGaussian();
    }
    for (int k = 0; k < doo; k++) {
      w[k] = (float) r.nextGaussian();
    }
    float[] jv = jac.times(a0, v, 1);
    float[] jtw = jac.transposeTimes(a0, w, 1);
    double left = 0;
    double right = 0;
    double nw = 0;
    double njv = 0;
    for (int k = 0; k < doo; k++) {
      left += (double) w[k] * jv[k];
      nw += (double) w[k] * w[k];
      njv += (double) jv[k] * jv[k];
    }
    for (int j = 0; j < da; j++) {
      right += (double) jtw[j] * v[j];
    }
    return Math.abs(left - right) / Math.max(Math.sqrt(nw * njv), 1e-30);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already failing; the first error is the one reported
      }
    }
  }
}
