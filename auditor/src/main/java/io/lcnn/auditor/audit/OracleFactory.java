package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;

/** Makes the gradient and HVP oracles of a model; the audit runner sees oracles only through this. */
public interface OracleFactory {
  /**
   * @param model the classifier
   * @param runtime where sessions run
   * @param kind what the model outputs (decides the loss)
   * @throws ExactOraclesUnavailableException when this factory cannot differentiate the model
   *     (the message is the one-line reason recorded in audit.json)
   */
  OracleSet create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind);
}
