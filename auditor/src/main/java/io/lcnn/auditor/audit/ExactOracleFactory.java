package io.lcnn.auditor.audit;

import io.lcnn.auditor.diff.UnsupportedOpsException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.diff.GraphDifferentiator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact oracles: the model's gradient graph and its twice-differentiated HVP graph
 * ({@link ExactOracles}). A model with ops that have no differentiation rule is refused with
 * the one-line reason naming every blocking node, which the audit records as its fallback reason.
 */
public final class ExactOracleFactory implements OracleFactory {
  private final Map<String, DifferentiatedModel> derived = new ConcurrentHashMap<>();

  /**
   * Opens exact oracles on {@code runtime}; the graphs are derived once per model (by its
   * sha256) and output kind, and reused for every further set (one per parallel worker).
   */
  @Override
  public OracleSet create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind) {
    try {
      DifferentiatedModel graphs = derived.computeIfAbsent(model.sha256() + "/" + kind,
          k -> GraphDifferentiator.standard().classifier(model, kind));
      ExactOracles exact = ExactOracles.open(graphs, runtime, model.path().toString());
      return new OracleSet(exact.gradient(), exact.hvp(), List.of(exact));
    } catch (UnsupportedOpsException e) {
      throw new ExactOraclesUnavailableException(e.getMessage(), e);
    }
  }
}
