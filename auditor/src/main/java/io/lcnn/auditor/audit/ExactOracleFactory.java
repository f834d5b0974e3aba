package io.lcnn.auditor.audit;

import io.lcnn.auditor.diff.UnsupportedOpsException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.util.List;

/**
 * Exact oracles: the model's gradient graph and its twice-differentiated HVP graph
 * ({@link ExactOracles}). A model with ops that have no differentiation rule is refused with
 * the one-line reason naming every blocking node, which the audit records as its fallback reason.
 */
public final class ExactOracleFactory implements OracleFactory {
  @Override
  public OracleSet create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind) {
    try {
      ExactOracles exact = ExactOracles.create(model, runtime, kind);
      return new OracleSet(exact.gradient(), exact.hvp(), List.of(exact));
    } catch (UnsupportedOpsException e) {
      throw new ExactOraclesUnavailableException(e.getMessage(), e);
    }
  }
}
