package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The contract between the auditor and everything that reads its output (reports, gates): the
 * content of {@code audit.json}. Optional blocks are null when the audit did not run them.
 *
 * @param schemaVersion version of this layout; readers refuse versions they do not know
 * @param tool tool name and version that wrote the file, e.g. {@code "lcnn 0.1.0"}
 * @param createdAt ISO-8601 instant the audit finished
 * @param model what was audited and how it was differentiated
 * @param settings every setting the audit ran with
 * @param splits per-split geometry, keyed {@code "test"} and (when given) {@code "train"}
 * @param trainTestDiscrepancy paper Table 3 figures; null without a train split
 * @param selfCheck exact-vs-finite-difference agreement on a few samples
 * @param attacks l2 attacks (issue 4); null when not run
 * @param gradientStability relative gradient change under noise; null when not run
 * @param maskingChecks gradient-masking checks; null when not run
 * @param artifacts arrays saved next to audit.json for the report (paths relative to it)
 * @param gate gate rule outcomes when a policy was applied; null otherwise
 * @param provenance versions, execution engine and file digests; null in files written before it existed
 * @param curvatureBound the data-free bound of Theorem 1 (docs/geometry.md); null when not computed
 * @param spectrum per-sample Hessian eigenvalues and the spectral density; null when not requested
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditResult(
    int schemaVersion,
    String tool,
    String createdAt,
    ModelInfo model,
    AuditSettings settings,
    Map<String, SplitResult> splits,
    Discrepancy trainTestDiscrepancy,
    SelfCheck selfCheck,
    AttackResults attacks,
    GradientStability gradientStability,
    List<MaskingCheck> maskingChecks,
    Artifacts artifacts,
    List<GateOutcome> gate,
    Provenance provenance,
    io.lcnn.auditor.bound.BoundReport curvatureBound,
    HessianSpectrum spectrum) {

  /** A copy with the given gate outcomes. */
  public AuditResult withGate(List<GateOutcome> outcomes) {
    return new AuditResult(schemaVersion, tool, createdAt, model, settings, splits, trainTestDiscrepancy, selfCheck,
        attacks, gradientStability, maskingChecks, artifacts, outcomes, provenance, curvatureBound, spectrum);
  }

  /** A copy with the curvature bound and the spectrum set. */
  public AuditResult withGeometry(io.lcnn.auditor.bound.BoundReport bound, HessianSpectrum hessianSpectrum) {
    return new AuditResult(schemaVersion, tool, createdAt, model, settings, splits, trainTestDiscrepancy, selfCheck,
        attacks, gradientStability, maskingChecks, artifacts, gate, provenance, bound, hessianSpectrum);
  }

  /** The schema version this code writes and reads. */
  public static final int SCHEMA_VERSION = 1;
}
