package io.lcnn.auditor.audit;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.datasets.FloatTensor;

/**
 * What an audit run produced: the audit.json content and the arrays that may be dumped next to it.
 *
 * @param result the audit.json content
 * @param testGradients ∂f/∂x per audited test sample, shaped like the test inputs
 * @param hvpProducts H·v per audited test sample for the given probe directions, or null
 */
public record AuditOutcome(AuditResult result, FloatTensor testGradients, FloatTensor hvpProducts) {}
