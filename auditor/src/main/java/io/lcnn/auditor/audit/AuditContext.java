package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ClassificationLoss;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.LabeledData;
import java.io.PrintStream;

/**
 * What an {@link AuditExtension} may use: the model, the oracles the geometry was measured with
 * (still open), the validated splits (already cut to {@code maxSamples}) and the settings.
 *
 * @param model the classifier
 * @param runtime the ONNX Runtime the oracles run on
 * @param outputKind what the model outputs
 * @param numClasses classes of the model
 * @param loss the per-sample loss
 * @param gradient the gradient oracle in use
 * @param hvp the HVP oracle in use
 * @param test the audited test samples
 * @param train the audited training samples, or null
 * @param options the audit settings
 * @param notices where one-line notices go
 */
public record AuditContext(
    OnnxModelFile model,
    OrtRuntime runtime,
    OutputKind outputKind,
    int numClasses,
    ClassificationLoss loss,
    GradientOracle gradient,
    HvpOracle hvp,
    LabeledData test,
    LabeledData train,
    AuditOptions options,
    PrintStream notices) {}
