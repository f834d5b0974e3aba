package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import org.junit.jupiter.api.Test;

class SoftmaxInputViewTest {
  @Test
  void logitsOfASoftmaxModelGiveTheSameLossAsItsProbabilities() {
    ReferenceModel r = ReferenceModel.named("cnn_softmax_normalized");
    OnnxModelFile m = r.model();
    OnnxModelFile logits = SoftmaxInputView.logitsModel(m).orElseThrow();
    assertEquals(OutputKind.LOGITS, OutputKind.detect(logits));
    FloatTensor x = r.array("inputs.npy");
    int[] y = r.labels("labels.npy");
    double[] ref = r.values("test", "loss");
    try (OnnxModelFunction f = new OnnxModelFunction(logits, OrtRuntime.cpu(1), 64)) {
      double[] loss = new ClassificationLoss(OutputKind.LOGITS).losses(f.outputs(x), y);
      for (int i = 0; i < y.length; i++) {
        assertEquals(ref[i], loss[i], 1e-5 * ref[i] + 1e-9, "loss of sample " + i);
      }
    }
  }

  @Test
  void modelsWithoutAFinalSoftmaxHaveNoLogitsView() {
    assertTrue(SoftmaxInputView.logitsModel(ReferenceModel.named("mlp_softplus").model()).isEmpty());
  }
}
