package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.AttackProgress;
import io.lcnn.auditor.attack.RobustnessProbes;
import io.lcnn.auditor.attack.RobustnessSamples;
import io.lcnn.auditor.data.Slices;
import io.lcnn.auditor.geometry.BatchGeometry;
import io.lcnn.auditor.geometry.GeometryMeter;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The audit's unit of work as a function: (oracles of the model, plan, shard) → per-sample
 * results. The samples of a split are measured in fixed blocks of {@code batchSize} (samples
 * [k·b, (k+1)·b)), every oracle call holds samples of one block only, and every random draw is
 * keyed by the seed and a sample's index in its split; so a sample's numbers do not depend on
 * which shard or worker computed it, and {@link AuditMerge} of the results of any split of the
 * samples into block-aligned shards gives the same audit, bit for bit. (Blocks are needed because
 * ONNX Runtime's float32 kernels give last-bit differences when the same sample is batched with
 * different neighbours.)
 */
public final class AuditShard {
  private AuditShard() {}

  /**
   * Measures one shard: geometry in batches of {@code batchSize}; for test samples also the HVP
   * probe products and the robustness probes. (The self-check checks the oracles, not the
   * samples: {@link AuditRunner} runs it once.)
   *
   * @param progress told the number of samples whose geometry is done
   * @throws IllegalArgumentException when the shard does not start at a block boundary
   */
  public static ShardResult run(OracleSet oracles, AuditPlan plan, Shard shard, IntConsumer progress) {
    return run(oracles, plan, shard, progress, AttackProgress.NONE);
  }

  /**
   * As {@link #run(OracleSet, AuditPlan, Shard, IntConsumer)}, also telling {@code attacks} each
   * attack's steps on the shard's test samples.
   */
  public static ShardResult run(OracleSet oracles, AuditPlan plan, Shard shard, IntConsumer progress, AttackProgress attacks) {
    int b = plan.options().batchSize();
    if (shard.from() % b != 0) {
      throw new IllegalArgumentException("shard of " + shard.split() + " from sample " + shard.from()
          + " does not start at a block boundary (a multiple of the batch size " + b + ")");
    }
    List<ShardResult> blocks = new ArrayList<>();
    for (int from = 0; from < shard.samples().size(); from += b) {
      int to = Math.min(shard.samples().size(), from + b);
      blocks.add(runBlock(oracles, plan, new Shard(shard.split(), shard.from() + from,
          Slices.range(shard.samples(), from, to), part(shard.noise(), from, to), part(shard.probe(), from, to)), progress, attacks));
    }
    return blocks.size() == 1 ? blocks.get(0) : join(blocks);
  }

  private static FloatTensor part(FloatTensor t, int from, int to) {
    return t == null || from >= t.batchSize() ? null : t.slice(from, Math.min(to, t.batchSize()));
  }

  /** Consecutive blocks' results as one. */
  static ShardResult join(List<ShardResult> blocks) {
    ShardResult first = blocks.get(0);
    List<SampleGeometry> geometry = new ArrayList<>();
    blocks.forEach(r -> geometry.addAll(r.geometry()));
    List<FloatTensor> grads = blocks.stream().map(ShardResult::gradients).toList();
    List<FloatTensor> products = blocks.stream().map(ShardResult::hvpProducts).toList();
    return new ShardResult(first.split(), first.from(), geometry,
        grads.contains(null) ? null : Slices.concat(grads),
        products.contains(null) ? null : Slices.concat(products),
        first.robustness() == null ? null
            : RobustnessSamples.concat(blocks.stream().map(ShardResult::robustness).toList()));
  }

  private static ShardResult runBlock(OracleSet oracles, AuditPlan plan, Shard shard, IntConsumer progress,
      AttackProgress attacks) {
    AuditOptions options = plan.options();
    LabeledData data = shard.samples();
    boolean test = shard.split().equals("test");
    GeometryMeter meter = new GeometryMeter(oracles.gradient(), oracles.hvp(), options.solver(), options.curvatureEpsilon());
    int n = data.size();
    int b = options.batchSize();
    List<SampleGeometry> samples = new ArrayList<>();
    boolean keep = test && plan.keepGradients();
    float[] grads = keep ? new float[data.inputs().data().length] : null;
    for (int from = 0; from < n; from += b) {
      int to = Math.min(n, from + b);
      BatchGeometry bg = meter.measure(data.inputs().slice(from, to), Arrays.copyOfRange(data.labels(), from, to),
          shard.from() + from, plan.seed(shard.split()));
      samples.addAll(bg.samples());
      if (keep) {
        System.arraycopy(bg.gradients().data(), 0, grads, from * data.inputs().sampleSize(), bg.gradients().data().length);
      }
      progress.accept(to - from);
    }
    FloatTensor gradients = keep ? new FloatTensor(data.inputs().shape().clone(), grads) : null;
    if (!test) {
      return new ShardResult(shard.split(), shard.from(), samples, null, null, null);
    }
    FloatTensor products = shard.probe() == null ? null : probeProducts(oracles, data, shard.probe(), b);
    RobustnessSamples robustness = null;
    if (plan.robustness() != null) {
      var hvp = "exact".equals(oracles.hvp().mode()) ? oracles.hvp() : null;
      double[] gradNorm = samples.stream().mapToDouble(SampleGeometry::gradNorm).toArray();
      double[] hessNorm = samples.stream().mapToDouble(SampleGeometry::hessianSpectralNorm).toArray();
      robustness = RobustnessProbes.measure(oracles.gradient(), hvp, data, shard.from(), plan.robustness(), shard.noise(),
          gradNorm, hessNorm, c -> {}, attacks);
    }
    return new ShardResult(shard.split(), shard.from(), samples, gradients, products, robustness);
  }

  private static FloatTensor probeProducts(OracleSet oracles, LabeledData data, FloatTensor probe, int b) {
    int n = data.size();
    float[] out = new float[data.inputs().data().length];
    for (int from = 0; from < n; from += b) {
      int to = Math.min(n, from + b);
      FloatTensor hv = oracles.hvp().hvp(
          data.inputs().slice(from, to), Arrays.copyOfRange(data.labels(), from, to), probe.slice(from, to));
      System.arraycopy(hv.data(), 0, out, from * data.inputs().sampleSize(), hv.data().length);
    }
    return new FloatTensor(data.inputs().shape().clone(), out);
  }
}
