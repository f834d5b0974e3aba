package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lcnn.auditor.data.Slices;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unit of work from model bytes: shards audited by {@link ShardFunction} (as a distributed
 * task would, from the model's bytes) merge to the same geometry as {@link AuditShard} on oracles
 * opened directly, and the JVM opens one oracle set for all sequential calls on one model.
 */
class ShardFunctionTest {
  @Test
  void shardsFromModelBytesMergeToTheDirectAuditAndReuseOneSessionSet() throws Exception {
    ReferenceModel ref = ReferenceModel.named("cnn_relu_maxpool_bn");
    byte[] bytes = Files.readAllBytes(ref.modelPath());
    OnnxModelFile model = ref.model();
    LabeledData test = Slices.range(new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "x"), 0, 9);
    AuditOptions options = AuditOptions.defaults().with(AuditOptions.BATCH_SIZE, 3).with(AuditOptions.ATTACK, "none")
        .with(AuditOptions.THREADS, 1);
    AuditPlan plan = new AuditPlan(options, null, 0, false);
    List<ShardResult> fromBytes = new ArrayList<>();
    for (int from = 0; from < 9; from += 3) {
      fromBytes.add(ShardFunction.apply(bytes, "model.onnx", plan, new Shard("test", from, Slices.range(test, from, from + 3), null, null), n -> {}));
    }
    ShardResult direct;
    try (OracleSet o = new ExactOracleFactory().create(model, OrtRuntime.cpu(1), options.outputKind(model))) {
      direct = AuditShard.run(o, plan, new Shard("test", 0, test, null, null), n -> {});
    }
    AuditMerge.Merged a = AuditMerge.merge(plan, fromBytes, null);
    AuditMerge.Merged b = AuditMerge.merge(plan, List.of(direct), null);
    assertEquals(b.splits(), a.splits());
    assertEquals(1, ShardFunction.openedFor(model.sha256()));
  }
}
