package io.lcnn.auditor.audit;

import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;

/**
 * One unit of work of an audit: consecutive samples of one split.
 *
 * @param split {@code "test"} or {@code "train"}
 * @param from index of the first sample in its split
 * @param samples the samples [from, from + n)
 * @param noise given stability directions of these samples (those that have one), or null
 * @param probe H·v probe directions of these samples, or null
 */
public record Shard(String split, int from, LabeledData samples, FloatTensor noise, FloatTensor probe) {
  /** One past the last sample's index. */
  public int to() {
    return from + samples.size();
  }
}
