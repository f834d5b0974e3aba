package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.RobustnessProbes;
import io.lcnn.auditor.attack.RobustnessReport;
import io.lcnn.auditor.attack.RobustnessSamples;
import io.lcnn.auditor.data.Slices;
import io.lcnn.auditor.geometry.SplitStatistics;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.datasets.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins the {@link ShardResult}s of all shards of an audit (in any order) into split summaries,
 * the train–test discrepancy, the self-check and the robustness blocks: the same figures one
 * process computes, since every summary is computed from the per-sample results put back in
 * split order.
 */
public final class AuditMerge {
  private AuditMerge() {}

  /**
   * The merged audit blocks.
   *
   * @param splits per-split geometry and summary, test first
   * @param discrepancy train–test discrepancy, or null without a train split
   * @param robustness attacks, stability and masking checks (no gallery yet), or null
   * @param robustnessSamples the joined per-sample robustness results (for the gallery), or null
   * @param testGradients the test split's input gradients when kept, else null
   * @param hvpProducts H·v of the probe directions, or null
   */
  public record Merged(
      Map<String, SplitResult> splits,
      Discrepancy discrepancy,
      RobustnessReport robustness,
      RobustnessSamples robustnessSamples,
      FloatTensor testGradients,
      FloatTensor hvpProducts) {}

  /**
   * Merges every shard's results.
   *
   * @param auditDir folder of audit.json, or null
   * @throws IllegalArgumentException when the shards of a split do not tile it from 0 without gaps
   */
  public static Merged merge(AuditPlan plan, List<ShardResult> shards, Path auditDir) {
    Map<String, List<ShardResult>> bySplit = new LinkedHashMap<>();
    for (String split : List.of("test", "train")) {
      List<ShardResult> s = shards.stream().filter(r -> r.split().equals(split))
          .sorted(Comparator.comparingInt(ShardResult::from)).toList();
      checkTiled(split, s);
      if (!s.isEmpty()) {
        bySplit.put(split, s);
      }
    }
    Map<String, SplitResult> splits = new LinkedHashMap<>();
    for (var e : bySplit.entrySet()) {
      List<SampleGeometry> samples = new ArrayList<>();
      e.getValue().forEach(r -> samples.addAll(r.geometry()));
      splits.put(e.getKey(), new SplitResult(samples, SplitStatistics.summarize(samples)));
    }
    Discrepancy discrepancy = splits.containsKey("train")
        ? SplitStatistics.discrepancy(splits.get("test").summary(), splits.get("train").summary(),
            splits.get("test").samples(), splits.get("train").samples(), plan.options().seed()) : null;
    List<ShardResult> test = bySplit.getOrDefault("test", List.of());
    RobustnessSamples rs = null;
    RobustnessReport report = null;
    if (plan.robustness() != null && !test.isEmpty()) {
      rs = RobustnessSamples.concat(test.stream().map(ShardResult::robustness).toList());
      double[] curvature = splits.get("test").samples().stream().mapToDouble(SampleGeometry::curvature).toArray();
      report = RobustnessProbes.summarize(rs, plan.robustness(), curvature, auditDir);
    }
    FloatTensor gradients = joined(test.stream().map(ShardResult::gradients).toList());
    FloatTensor products = joined(test.stream().map(ShardResult::hvpProducts).toList());
    return new Merged(splits, discrepancy, report, rs, gradients, products);
  }

  private static FloatTensor joined(List<FloatTensor> parts) {
    return parts.isEmpty() || parts.contains(null) ? null : Slices.concat(parts);
  }

  private static void checkTiled(String split, List<ShardResult> sorted) {
    int next = 0;
    for (ShardResult r : sorted) {
      if (r.from() != next) {
        throw new IllegalArgumentException(split + " shards do not tile the split: expected one from sample " + next
            + ", got one from " + r.from());
      }
      next = r.from() + r.geometry().size();
    }
  }
}
