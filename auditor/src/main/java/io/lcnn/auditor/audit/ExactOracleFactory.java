package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;

/**
 * The seam to the exact (twice-differentiated ONNX graph) oracles. MERGE POINT: the body of
 * {@link #create} becomes
 *
 * <pre>{@code
 * try {
 *   ExactOracles exact = ExactOracles.create(model, runtime, kind);
 *   return new OracleSet(exact.gradient(), exact.hvp(), List.of(exact));
 * } catch (io.lcnn.auditor.diff.UnsupportedOpsException e) {
 *   throw new ExactOraclesUnavailableException(e.getMessage(), e);
 * }
 * }</pre>
 *
 * Until then it reports that this build has no exact differentiator, and {@code --gradients auto}
 * audits fall back to finite differences.
 */
public final class ExactOracleFactory implements OracleFactory {
  @Override
  public OracleSet create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind) {
    throw new ExactOraclesUnavailableException("exact differentiation is not part of this build");
  }
}
