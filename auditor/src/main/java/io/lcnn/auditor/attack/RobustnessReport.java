package io.lcnn.auditor.attack;

import io.lcnn.auditor.result.Artifacts;
import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import java.util.List;

/**
 * The three robustness blocks of audit.json, as {@link RobustnessProbes} produced them.
 *
 * @param attacks goes to {@code AuditResult.attacks}
 * @param gradientStability goes to {@code AuditResult.gradientStability}
 * @param maskingChecks goes to {@code AuditResult.maskingChecks}
 * @param gallery goes to {@code AuditResult.artifacts}; null when no gallery was written
 */
public record RobustnessReport(
    AttackResults attacks, GradientStability gradientStability, List<MaskingCheck> maskingChecks, Artifacts gallery) {}
