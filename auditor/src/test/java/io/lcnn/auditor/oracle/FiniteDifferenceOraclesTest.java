package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.geometry.EigenEstimate;
import io.lcnn.auditor.geometry.Lanczos;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiniteDifferenceOraclesTest {
  private static final int SAMPLES = 4;

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_relu_maxpool_bn", "resnet_softplus", "cnn_softmax_normalized"})
  void forwardLossAndOutputsMatchTorchReference(String name) {
    ReferenceModel r = ReferenceModel.named(name);
    OnnxModelFile m = r.model();
    double[] refLoss = r.values("test", "loss");
    var refOut = r.reference().get("test").get("outputs");
    try (OnnxModelFunction f = new OnnxModelFunction(m, OrtRuntime.cpu(1), 64)) {
      OnnxForwardOracle oracle = new OnnxForwardOracle(f, new ClassificationLoss(OutputKind.detect(m)));
      FloatTensor x = r.array("inputs.npy");
      int[] y = r.labels("labels.npy");
      double[] loss = oracle.lossesDouble(x, y);
      ForwardResult fr = oracle.forward(x, y);
      for (int i = 0; i < y.length; i++) {
        assertEquals(refLoss[i], loss[i], 1e-5 * Math.abs(refLoss[i]) + 1e-6, name + " loss of sample " + i);
        for (int k = 0; k < 10; k++) {
          double ref = refOut.get(i).get(k).asDouble();
          assertEquals(ref, fr.output().data()[i * 10 + k], 1e-4 * Math.abs(ref) + 1e-5, name + " output " + i + "," + k);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "resnet_softplus", "cnn_softmax_normalized"})
  void finiteDifferenceGradientMatchesTorchReferenceOnSmoothModels(String name) {
    ReferenceModel r = ReferenceModel.named(name);
    OnnxModelFile m = r.model();
    try (OnnxModelFunction f = new OnnxModelFunction(m, OrtRuntime.cpu(1), 2048)) {
      var oracle = new FiniteDifferenceGradientOracle(
          f, new ClassificationLoss(OutputKind.detect(m)), FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP, 2048);
      FloatTensor x = r.array("inputs.npy").slice(0, SAMPLES);
      int[] y = Arrays.copyOf(r.labels("labels.npy"), SAMPLES);
      FloatTensor g = oracle.gradient(x, y).gradient();
      FloatTensor ref = r.array("grads.npy");
      for (int i = 0; i < SAMPLES; i++) {
        double err = ReferenceModel.relativeError(g, ref, i);
        assertTrue(err < 3e-3, name + " sample " + i + " relative gradient error " + err);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_softmax_normalized"})
  void lanczosOnFiniteDifferenceHvpsOverFiniteDifferenceGradientsFindsReferenceSpectralNorm(String name) {
    ReferenceModel r = ReferenceModel.named(name);
    OnnxModelFile m = r.model();
    try (OnnxModelFunction f = new OnnxModelFunction(m, OrtRuntime.cpu(1), 4096)) {
      var grads = new FiniteDifferenceGradientOracle(
          f, new ClassificationLoss(OutputKind.detect(m)), FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP, 4096);
      var hvp = new FiniteDifferenceHvpOracle(grads, FiniteDifferenceHvpOracle.defaultStepFor(grads));
      FloatTensor x = r.array("inputs.npy").slice(0, SAMPLES);
      int[] y = Arrays.copyOf(r.labels("labels.npy"), SAMPLES);
      List<EigenEstimate> e = new Lanczos().solve(hvp, x, y, 1);
      double[] ref = r.values("test", "hessian_spectral_norm");
      double[] sign = r.values("test", "hessian_top_eig_sign");
      for (int i = 0; i < SAMPLES; i++) {
        assertEquals(ref[i], e.get(i).spectralNorm(), 0.01 * ref[i], name + " sample " + i + ": " + e.get(i));
        assertEquals(sign[i], Math.signum(e.get(i).topEigenvalue()), name + " sign of sample " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet_softplus"})
  void finiteDifferenceHvpOverFiniteDifferenceGradientsApproachesTheProbeProduct(String name) {
    ReferenceModel r = ReferenceModel.named(name);
    OnnxModelFile m = r.model();
    try (OnnxModelFunction f = new OnnxModelFunction(m, OrtRuntime.cpu(1), 4096)) {
      var grads = new FiniteDifferenceGradientOracle(
          f, new ClassificationLoss(OutputKind.detect(m)), FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP, 4096);
      var hvp = new FiniteDifferenceHvpOracle(grads, 3e-2);
      FloatTensor x = r.array("inputs.npy").slice(0, 2);
      int[] y = Arrays.copyOf(r.labels("labels.npy"), 2);
      FloatTensor hv = hvp.hvp(x, y, r.array("probe.npy").slice(0, 2));
      FloatTensor ref = r.array("hvp_probe.npy");
      for (int i = 0; i < 2; i++) {
        double err = ReferenceModel.relativeError(hv, ref, i);
        assertTrue(err < 0.05, name + " sample " + i + " relative H·probe error " + err);
      }
    }
  }
}
