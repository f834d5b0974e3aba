package io.lcnn.auditor.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lcnn.auditor.diff.Attrs;
import io.lcnn.auditor.diff.ShapeProbe;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Power iteration on a Conv stage with stride 2 and padding 1 finds the largest singular value of
 * the convolution's explicit matrix, built in the test by looping over the definition of Conv and
 * decomposed by commons-math's SVD.
 */
class OperatorNormConvTest {
  @Test
  void stridedPaddedConvNormEqualsExplicitMatrixSvd() {
    int cin = 2;
    int cout = 3;
    int n = 6;
    int k = 3;
    int stride = 2;
    int pad = 1;
    int m = (n + 2 * pad - k) / stride + 1;
    Random rnd = new Random(5);
    double[] w = new double[cout * cin * k * k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    GraphBuilder b = new GraphBuilder();
    String y = b.node("Conv", List.of("x", b.constant(new long[] {cout, cin, k, k}, w), b.constant(new long[] {cout},
        0.5, -1, 2)), Attrs.ints("strides", stride, stride), Attrs.ints("pads", pad, pad, pad, pad));
    OnnxModelFile model = b.build(new long[] {cin, n, n}, y);
    LayerChain chain = ChainReader.read(model.proto().getGraph(), "x", y, OutputKind.LOGITS,
        ShapeProbe.probe(model.proto(), "conv"));
    double estimate = new OperatorNorm(OrtRuntime.cpu(1), 2000, 1e-9, 3)
        .of(model.proto(), chain.linear().get(0), ShapeProbe.probe(model.proto(), "conv")).norm();
    double[][] a = new double[cout * m * m][cin * n * n];
    for (int o = 0; o < cout; o++) {
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < m; c++) {
          for (int i = 0; i < cin; i++) {
            for (int p = 0; p < k; p++) {
              for (int q = 0; q < k; q++) {
                int row = r * stride - pad + p;
                int col = c * stride - pad + q;
                if (row >= 0 && row < n && col >= 0 && col < n) {
                  a[(o * m + r) * m + c][(i * n + row) * n + col] += w[((o * cin + i) * k + p) * k + q];
                }
              }
            }
          }
        }
      }
    }
    double exact = new SingularValueDecomposition(new Array2DRowRealMatrix(a)).getNorm();
    assertEquals(exact, estimate, 1e-4 * exact);
  }
}
