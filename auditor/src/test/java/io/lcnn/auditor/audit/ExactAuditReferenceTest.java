package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An exact-mode audit reproduces the torch references and its self-check agrees with finite differences. */
class ExactAuditReferenceTest {
  private static final int N = 8;

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void exactAuditMatchesTorchReference(String name) {
    ReferenceModel ref = ReferenceModel.named(name);
    AuditData data = new AuditData(
        new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "inputs.npy"), "inputs.npy", "labels.npy",
        new LabeledData(ref.array("train_inputs.npy"), ref.labels("train_labels.npy"), "train_inputs.npy"),
        "train_inputs.npy", "train_labels.npy");
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(N).withGradients(GradientMode.EXACT);
    AuditResult r = new AuditRunner(o, new ExactOracleFactory(), List.of(), System.err, ProgressListener.NONE, "lcnn test")
        .run(ref.model(), data, null, null).result();
    assertEquals("exact", r.model().gradientMode());
    assertEquals("exact", r.model().hvpMode());
    assertTrue(r.model().fallbackReasons().isEmpty());
    for (String split : List.of("test", "train")) {
      double[] loss = ref.values(split, "loss");
      double[] grad = ref.values(split, "grad_norm");
      double[] hess = ref.values(split, "hessian_spectral_norm");
      List<SampleGeometry> s = r.splits().get(split).samples();
      int hessianWithin = 0;
      for (int i = 0; i < N; i++) {
        assertEquals(loss[i], s.get(i).loss(), 1e-4 * loss[i] + 1e-6, name + " " + split + " loss " + i);
        assertEquals(grad[i], s.get(i).gradNorm(), 1e-3 * grad[i], name + " " + split + " grad norm " + i);
        hessianWithin += Math.abs(s.get(i).hessianSpectralNorm() - hess[i]) <= 0.01 * hess[i] ? 1 : 0;
      }
      assertTrue(hessianWithin >= N - 1, name + " " + split + ": Hessian norm within 1% on " + hessianWithin + "/" + N);
    }
    if (!name.contains("relu")) {
      assertTrue(r.selfCheck().hvpMaxRelativeDifference() < 1e-2, name + " self-check " + r.selfCheck());
      assertTrue(r.selfCheck().gradientMaxRelativeDifference() < 1e-2, name + " self-check " + r.selfCheck());
    }
  }
}
