package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.attack.RobustnessProbes;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.data.Slices;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit as a unit of work: the per-sample results of any block-aligned split of the samples
 * into shards, merged, equal the audit of all samples in one process, exactly (every random draw
 * is keyed by the sample's index and every oracle call holds one block's samples, so no figure
 * depends on the split).
 */
class ShardedAuditTest {
  private static final int N = 12;
  private final ReferenceModel ref = ReferenceModel.named("mlp_softplus");
  private final OnnxModelFile model = ref.model();
  private final LabeledData test = Slices.range(new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "x"), 0, N);
  private final LabeledData train =
      Slices.range(new LabeledData(ref.array("train_inputs.npy"), ref.labels("train_labels.npy"), "xt"), 0, N);
  private final AuditOptions options = AuditOptions.defaults().with(AuditOptions.BATCH_SIZE, 4)
      .with(AuditOptions.PGD_STEPS, 5).with(AuditOptions.PGD_RESTARTS, 2).with(AuditOptions.ATTACK, "both")
      .with(AuditOptions.SELF_CHECK_SAMPLES, 6).with(AuditOptions.WORKERS, 1).with(AuditOptions.PGD_EPS, List.of(0.5, 1.0, 2.0));

  private AuditResult runner(AuditOptions o) {
    return new AuditRunner(o, new ExactOracleFactory(), List.of(), System.err, ProgressListener.NONE, "lcnn test")
        .run(model, new AuditData(test, "x", "y", train, "xt", "yt"), null, null).result();
  }

  /** Audits with the shard function on the given cut points of both splits and merges. */
  private AuditMerge.Merged sharded(int... cuts) {
    RobustnessSettings r = options.robustness();
    r = r.withInputRange(RobustnessProbes.resolveRange(r, model.metadata()));
    AuditPlan plan = new AuditPlan(options, r, 0, false);
    List<ShardResult> results = new ArrayList<>();
    try (OracleSet oracles = new ExactOracleFactory().create(model, OrtRuntime.cpu(1), OutputKind.detect(model))) {
      for (String split : List.of("train", "test")) {
        LabeledData d = split.equals("test") ? test : train;
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
          int to = k < cuts.length ? cuts[k] : N;
          results.add(0, AuditShard.run(oracles, plan, new Shard(split, from, Slices.range(d, from, to), null, null), n -> {}));
          from = to;
        }
      }
    }
    return AuditMerge.merge(plan, results, null);
  }

  private static JsonNode json(Object block) {
    return AuditJson.mapper().valueToTree(block);
  }

  private static void assertSame(AuditResult whole, AuditMerge.Merged m, String what) {
    assertEquals(whole.splits(), m.splits(), what + ": per-sample geometry and split summaries");
    assertEquals(whole.trainTestDiscrepancy(), m.discrepancy(), what + ": discrepancy");
    assertEquals(json(whole.attacks()), json(m.robustness().attacks()), what + ": attacks");
    assertEquals(json(whole.gradientStability()), json(m.robustness().gradientStability()), what + ": gradient stability");
    assertEquals(whole.maskingChecks(), m.robustness().maskingChecks(), what + ": masking checks");
  }

  @Test
  void oneTwoAndThreeShardsMergeToTheUnsplitAuditExactly() {
    AuditResult whole = runner(options);
    assertNotNull(whole.attacks());
    double worst = whole.attacks().worstCaseAccuracy().get("2.0");
    assertTrue(worst < 1 && worst > 0, "some but not all samples broken at ε = 2, so the attacks' draws matter: " + worst);
    assertEquals(N, whole.splits().get("test").samples().size());
    assertSame(whole, sharded(), "1 shard");
    assertSame(whole, sharded(8), "2 shards");
    assertSame(whole, sharded(4, 8), "3 shards");
  }

  @Test
  void aShardOffTheBlockGridIsRefusedWithOneLine() {
    var e = assertThrows(IllegalArgumentException.class, () -> sharded(5));
    assertEquals("shard of train from sample 5 does not start at a block boundary (a multiple of the batch size 4)",
        e.getMessage());
  }

  @Test
  void twoParallelWorkersGiveTheSameAuditAsOne() {
    AuditResult one = runner(options);
    AuditResult two = runner(options.withWorkers(2));
    assertEquals(one.splits(), two.splits());
    assertEquals(one.selfCheck(), two.selfCheck());
    assertEquals(json(one.attacks()), json(two.attacks()));
    assertEquals(json(one.gradientStability()), json(two.gradientStability()));
    assertEquals(one.maskingChecks(), two.maskingChecks());
    assertEquals(2, two.provenance().engine().workers());
    assertEquals(1, one.provenance().engine().workers());
  }
}
