package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.RobustnessSamples;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import java.util.List;

/**
 * The per-sample results of one {@link Shard}; {@link AuditMerge} joins those of all shards.
 *
 * @param split {@code "test"} or {@code "train"}
 * @param from index of the first sample in its split
 * @param geometry per-sample geometry, in index order
 * @param gradients input gradients [n, ...] (test split, when a dump was asked for), or null
 * @param hvpProducts H·v for the probe directions [n, ...], or null
 * @param robustness the robustness probes' per-sample results (test split), or null
 */
public record ShardResult(
    String split,
    int from,
    List<SampleGeometry> geometry,
    FloatTensor gradients,
    FloatTensor hvpProducts,
    RobustnessSamples robustness) {}
