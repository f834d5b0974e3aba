package io.lcnn.auditor.audit;

import io.lcnn.auditor.bound.CurvatureBound;
import io.lcnn.auditor.result.AuditResult;

/**
 * Adds the data-free bound of Theorem 1 ({@link CurvatureBound}, power iterations seeded with
 * the audit's seed) to the result's {@code curvatureBound} block.
 */
public final class CurvatureBoundExtension implements AuditExtension {
  @Override
  public AuditResult extend(AuditContext context, AuditResult result) {
    var bound = new CurvatureBound(context.runtime(), context.options().seed())
        .compute(context.model(), context.outputKind());
    return result.withGeometry(bound, result.spectrum());
  }
}
