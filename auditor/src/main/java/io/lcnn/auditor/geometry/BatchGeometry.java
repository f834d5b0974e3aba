package io.lcnn.auditor.geometry;

import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import java.util.List;

/**
 * The geometry of one batch of samples.
 *
 * @param samples one record per sample, in batch order
 * @param gradients ∂f/∂x per sample, shaped like the batch's inputs
 */
public record BatchGeometry(List<SampleGeometry> samples, FloatTensor gradients) {}
