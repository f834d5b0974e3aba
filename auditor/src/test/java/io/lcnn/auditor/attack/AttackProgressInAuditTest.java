package io.lcnn.auditor.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lcnn.auditor.audit.AuditData;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditRunner;
import io.lcnn.auditor.audit.ExactOracleFactory;
import io.lcnn.auditor.audit.ProgressListener;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttackProgressInAuditTest {

  @Test
  void everyAttackAndTheMinimumNormAttackReachExactlyTheStepsAnnouncedForTheirBars() {
    ReferenceModel ref = ReferenceModel.named("mlp_softplus");
    AuditData data = AuditData.testOnly(new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "inputs.npy"),
        "inputs.npy", "labels.npy");
    // 11 samples in blocks of 4 (the last one partial), two workers
    AuditOptions o = AuditOptions.defaults().withMaxSamples(11).with(AuditOptions.BATCH_SIZE, 4).with(AuditOptions.WORKERS, 2)
        .with(AuditOptions.PGD_STEPS, 4).with(AuditOptions.PGD_RESTARTS, 1).with(AuditOptions.ATTACK, "pgd,fab-t,square")
        .with(AuditOptions.TARGETS, 2).with(AuditOptions.SQUARE_QUERIES, 20).with(AuditOptions.MIN_NORM_STEPS, 5)
        .with(AuditOptions.PGD_EPS, List.of(0.1, 2.0));
    Map<String, Long> announced = new java.util.LinkedHashMap<>();
    Map<String, AtomicLong> done = new ConcurrentHashMap<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void start(String split, int samples) {}

      @Override
      public void advance(int samples) {}

      @Override
      public void startAttacks(Map<String, Long> steps) {
        announced.putAll(steps);
      }

      @Override
      public void advanceAttack(String attack, int steps) {
        done.computeIfAbsent(attack, a -> new AtomicLong()).addAndGet(steps);
      }

      @Override
      public void finish() {}
    };
    new AuditRunner(o, new ExactOracleFactory(), List.of(), System.err, listener, "lcnn test").run(ref.model(), data, null, null);
    assertEquals(List.of("pgd", "fab-t", "square", "fmn"), List.copyOf(announced.keySet()));
    for (Map.Entry<String, Long> e : announced.entrySet()) {
      System.out.println(e.getKey() + ": " + done.get(e.getKey()) + " of " + e.getValue() + " steps");
      assertEquals(e.getValue().longValue(), done.get(e.getKey()).get(), e.getKey());
    }
  }
}
