package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.RuleTable;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The self-check on piecewise-linear (ReLU, MaxPool) models: with exact HVPs that match float64
 * PyTorch it reports agreement; with one HVP rule deliberately broken (Softmax's adjoint without
 * its −(g·y) term, which only the twice-differentiated graph uses for a logits model) it reports
 * disagreement.
 */
class SelfCheckerKinksTest {
  private static final int SAMPLES = 4;

  /** Softmax's adjoint y ⊙ g instead of y ⊙ (g − Σ g·y): a plausible bug in a second-order-only rule. */
  private static GraphDifferentiator brokenSoftmax() {
    RuleTable rules = RuleTable.standard();
    rules.put("Softmax", s -> s.add(0, s.op("Mul", s.out(0), s.grad(0))));
    return new GraphDifferentiator(rules);
  }

  /** Softmax's adjoint scaled by 1.5: H·v = 1.5·Jᵀ S J v stays symmetric, so only the linearization can see it. */
  private static GraphDifferentiator scaledSoftmax() {
    RuleTable rules = RuleTable.standard();
    rules.put("Softmax", s -> {
      String y = s.out(0);
      String dot = s.emit().reduceSum(s.op("Mul", s.grad(0), y), new long[] {-1}, true);
      s.add(0, s.op("Mul", s.scalar(1.5, y), s.op("Mul", y, s.op("Sub", s.grad(0), dot))));
    });
    return new GraphDifferentiator(rules);
  }

  private static SelfCheck check(String fixture, GraphDifferentiator differentiator, boolean pinHvp) {
    ReferenceModel r = ReferenceModel.named(fixture);
    FloatTensor x = r.array("inputs.npy").slice(0, SAMPLES);
    int[] y = Arrays.copyOf(r.labels("labels.npy"), SAMPLES);
    try (ExactOracles exact = ExactOracles.create(r.model(), OrtRuntime.cpu(2), OutputKind.LOGITS, differentiator)) {
      if (pinHvp) {
        FloatTensor hv = exact.hvp().hvp(x, y, r.array("probe.npy").slice(0, SAMPLES));
        FloatTensor ref = r.array("hvp_probe.npy");
        for (int i = 0; i < SAMPLES; i++) {
          double e = ReferenceModel.relativeError(hv, ref, i);
          assertTrue(e < 1e-3, fixture + " exact H·v of sample " + i + " vs float64 PyTorch: " + e);
        }
      }
      return new SelfChecker(1e-2, r.model().opHistogram(), OutputKind.LOGITS).check(exact.gradient(), exact.hvp(), 0, x, y);
    }
  }

  @Test
  void reluMaxPoolCnnWithRightExactHvpsAgreesAndNamesItsKinks() {
    SelfCheck c = check("cnn_relu_maxpool_bn", GraphDifferentiator.standard(), true);
    System.out.println("cnn_relu_maxpool_bn, right rules: " + c);
    assertEquals("agree", c.verdict(), c.verdictReason());
    assertTrue(c.note().contains("piecewise-linear model (MaxPool ×2, Relu ×"), c.note());
    assertTrue(c.hvpAsymmetryMax() < SelfChecker.SYMMETRY_TOLERANCE, c.toString());
  }

  @Test
  void reluResNetWithRightExactHvpsAgrees() {
    SelfCheck c = check("resnet_relu", GraphDifferentiator.standard(), true);
    System.out.println("resnet_relu, right rules: " + c);
    assertEquals("agree", c.verdict(), c.verdictReason());
  }

  @Test
  void reluMaxPoolCnnWithABrokenHvpRuleDisagrees() {
    SelfCheck c = check("cnn_relu_maxpool_bn", brokenSoftmax(), false);
    System.out.println("cnn_relu_maxpool_bn, broken Softmax rule: " + c);
    assertEquals("disagree", c.verdict(), c.verdictReason());
  }

  @Test
  void reluResNetWithABrokenHvpRuleDisagrees() {
    SelfCheck c = check("resnet_relu", brokenSoftmax(), false);
    System.out.println("resnet_relu, broken Softmax rule: " + c);
    assertEquals("disagree", c.verdict(), c.verdictReason());
  }

  @Test
  void reluResNetWithASymmetricButScaledHvpDisagreesThroughItsLogits() {
    SelfCheck c = check("resnet_relu", scaledSoftmax(), false);
    System.out.println("resnet_relu, scaled Softmax rule: " + c);
    assertTrue(c.hvpAsymmetryMax() < SelfChecker.SYMMETRY_TOLERANCE, c.toString());
    assertEquals("disagree", c.verdict(), c.verdictReason());
    assertTrue(c.verdictReason().contains("differs from the exact H·v by 0.3"), c.verdictReason());
  }
}
