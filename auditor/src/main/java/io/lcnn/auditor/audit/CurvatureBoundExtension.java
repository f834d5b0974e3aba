package io.lcnn.auditor.audit;

import io.lcnn.auditor.bound.BoundReport;
import io.lcnn.auditor.bound.CurvatureBound;
import io.lcnn.auditor.bound.OperatorNorm;
import io.lcnn.errors.PrintableText;
import io.lcnn.auditor.result.AuditResult;

/**
 * Adds the data-free bound of Theorem 1 ({@link CurvatureBound}, power iterations seeded with
 * the audit's seed) to the result's {@code curvatureBound} block. A model whose stages ONNX
 * Runtime cannot run alone (e.g. a batch axis fixed at 1 that a stage's probe cannot use) gets
 * "no bound" with the reason; the bound never fails the audit.
 */
public final class CurvatureBoundExtension implements AuditExtension {
  @Override
  public AuditResult extend(AuditContext context, AuditResult result) {
    BoundReport bound;
    try {
      bound = new CurvatureBound(context.runtime(), context.options().seed())
          .compute(context.model(), context.outputKind());
    } catch (RuntimeException e) {
      String why = "the bound could not be evaluated: " + PrintableText.oneLine(e.getMessage());
      context.notices().println("notice: " + why);
      bound = BoundReport.unavailable(why, context.numClasses(), OperatorNorm.DEFAULT_TOLERANCE, context.options().seed());
    }
    return result.withGeometry(bound, result.spectrum());
  }
}
