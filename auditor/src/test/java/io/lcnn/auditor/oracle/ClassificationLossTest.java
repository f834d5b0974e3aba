package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lcnn.auditor.model.OutputKind;
import io.lcnn.datasets.FloatTensor;
import org.junit.jupiter.api.Test;

class ClassificationLossTest {
  @Test
  void logitLossIsCrossEntropyOfSoftmax() {
    FloatTensor z = new FloatTensor(new long[] {2, 3}, new float[] {1, 2, 3, 0, 0, 0});
    double[] l = new ClassificationLoss(OutputKind.LOGITS).losses(z, new int[] {0, 2});
    assertEquals(-Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), l[0], 1e-12);
    assertEquals(Math.log(3), l[1], 1e-12);
  }

  @Test
  void logitLossKeepsDigitsOfConfidentSamples() {
    FloatTensor z = new FloatTensor(new long[] {1, 2}, new float[] {30, 0});
    double l = new ClassificationLoss(OutputKind.LOGITS).losses(z, new int[] {0})[0];
    assertEquals(Math.log1p(Math.exp(-30)), l, 1e-25);
  }

  @Test
  void probabilityLossIsMinusLogOfTheTrueClass() {
    FloatTensor p = new FloatTensor(new long[] {1, 3}, new float[] {0.25f, 0.5f, 0.25f});
    assertEquals(Math.log(2), new ClassificationLoss(OutputKind.PROBABILITIES).losses(p, new int[] {1})[0], 1e-7);
  }
}
