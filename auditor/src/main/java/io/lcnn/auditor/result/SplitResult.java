package io.lcnn.auditor.result;

import java.util.List;

/** Per-sample geometry of one split and its summary. */
public record SplitResult(List<SampleGeometry> samples, SplitSummary summary) {}
