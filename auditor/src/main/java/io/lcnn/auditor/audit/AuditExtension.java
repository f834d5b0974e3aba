package io.lcnn.auditor.audit;

import io.lcnn.auditor.result.AuditResult;

/**
 * A further stage of an audit run after the geometry (attacks, gradient stability, masking
 * checks): it reads the context and the result so far and returns the result with its own blocks
 * filled (e.g. {@code attacks}, {@code gradientStability}, {@code maskingChecks}). Extensions run
 * in the order given to {@link AuditRunner}, before anything is written.
 */
@FunctionalInterface
public interface AuditExtension {
  /** Returns {@code result} with this stage's blocks filled. */
  AuditResult extend(AuditContext context, AuditResult result);

  /**
   * Checks, before any work, what this stage will need from the model and the test split (the
   * split as it will be audited); throws a bad-input exception naming the file and field. The
   * default checks nothing.
   */
  default void check(io.lcnn.auditor.model.OnnxModelFile model, io.lcnn.datasets.LabeledData test) {}
}
