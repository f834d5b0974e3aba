package io.lcnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The auditor's exact gradients and HVPs on an exported trainer model agree with libtorch
 * autograd (float64 double backprop through DJL) on the trained DJL network itself.
 */
class TorchParityTest {
  private static final int N = 12;
  private static final double TOLERANCE = 1e-3;

  @TempDir Path dir;

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of(ModelFamily.SMALL_CNN, Recipe.STANDARD, 0.25),
        Arguments.of(ModelFamily.SMALL_CNN, Recipe.LCNN, 0.25),
        Arguments.of(ModelFamily.RESNET18, Recipe.STANDARD, 0.0625),
        Arguments.of(ModelFamily.RESNET18, Recipe.LCNN, 0.0625));
  }

  @ParameterizedTest(name = "{0} {1} width {2}")
  @MethodSource("models")
  void auditorGradientsAndHvpsMatchLibtorchDoubleBackprop(ModelFamily family, Recipe recipe, double width) {
    TrainedModel model = TrainedModel.train(family, recipe, width, 6, dir);
    FloatTensor x = model.test().inputs().slice(0, N);
    int[] labels = Arrays.copyOf(model.test().labels(), N);
    FloatTensor v = gaussian(x.shape(), 7);

    FloatTensor torchGrad;
    FloatTensor torchHvp;
    try (Network net = model.network()) {
      TorchAutograd torch = new TorchAutograd(net, DataType.FLOAT64);
      torchGrad = torch.gradient(x, labels);
      torchHvp = torch.hvp(x, labels, v);
    }
    OnnxModelFile onnx = OnnxModelFile.load(model.onnx());
    try (ExactOracles exact = ExactOracles.create(onnx, OrtRuntime.cpu(1), OutputKind.detect(onnx))) {
      FloatTensor ortGrad = exact.gradient().gradient(x, labels).gradient();
      FloatTensor ortHvp = exact.hvp().hvp(x, labels, v);
      double gradError = worstRelativeError("gradient", ortGrad, torchGrad);
      double hvpError = worstRelativeError("H·v", ortHvp, torchHvp);
      String errors = "worst per-sample relative error: gradient " + gradError + ", H·v " + hvpError;
      assertTrue(gradError <= TOLERANCE && hvpError <= TOLERANCE, errors);
    }
  }

  /** max over samples of ‖auditor − torch‖/‖torch‖, after checking shapes and finiteness. */
  private static double worstRelativeError(String what, FloatTensor auditor, FloatTensor torch) {
    assertTrue(Arrays.equals(auditor.shape(), torch.shape()), what + " shapes differ");
    int d = torch.sampleSize();
    double worst = 0;
    for (int i = 0; i < torch.batchSize(); i++) {
      double num = 0;
      double den = 0;
      for (int j = i * d; j < (i + 1) * d; j++) {
        double t = torch.data()[j];
        double a = auditor.data()[j];
        num += (a - t) * (a - t);
        den += t * t;
      }
      assertTrue(den > 0 && Double.isFinite(num), what + " of sample " + i + " is zero or not finite");
      worst = Math.max(worst, Math.sqrt(num / den));
    }
    return worst;
  }

  private static FloatTensor gaussian(long[] shape, long seed) {
    Random r = new Random(seed);
    int n = 1;
    for (long s : shape) {
      n *= (int) s;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new FloatTensor(shape.clone(), v);
  }
}
