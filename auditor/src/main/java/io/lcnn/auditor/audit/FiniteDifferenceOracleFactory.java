package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ClassificationLoss;
import io.lcnn.auditor.oracle.FiniteDifferenceGradientOracle;
import io.lcnn.auditor.oracle.FiniteDifferenceHvpOracle;
import io.lcnn.auditor.oracle.OnnxModelFunction;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.util.List;

/**
 * The black-box oracles: gradients by central differences over input coordinates (forward passes
 * of the unmodified model) and HVPs by central differences of those gradients.
 *
 * @param gradientStep FD gradient step relative to the input scale
 * @param hvpStep FD HVP perturbation norm relative to the input scale
 * @param rowsPerCall perturbed samples per ONNX Runtime call
 */
public record FiniteDifferenceOracleFactory(double gradientStep, double hvpStep, int rowsPerCall) implements OracleFactory {
  /** Default perturbed samples per ONNX Runtime call. */
  public static final int DEFAULT_ROWS_PER_CALL = 2048;

  /** The factory with default steps. */
  public static FiniteDifferenceOracleFactory defaults() {
    return new FiniteDifferenceOracleFactory(
        FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP,
        FiniteDifferenceHvpOracle.DEFAULT_RELATIVE_STEP_OVER_FINITE_DIFFERENCES,
        DEFAULT_ROWS_PER_CALL);
  }

  @Override
  public OracleSet create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind) {
    OnnxModelFunction f = new OnnxModelFunction(model, runtime, rowsPerCall);
    var gradient = new FiniteDifferenceGradientOracle(f, new ClassificationLoss(kind), gradientStep, rowsPerCall);
    return new OracleSet(gradient, new FiniteDifferenceHvpOracle(gradient, hvpStep), List.of(f));
  }
}
