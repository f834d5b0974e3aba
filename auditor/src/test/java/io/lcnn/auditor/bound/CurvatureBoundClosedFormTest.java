package io.lcnn.auditor.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lcnn.auditor.diff.Attrs;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * The bounds of a one-layer and a two-layer network equal their hand-derived closed forms, with
 * the weight matrices' spectral norms taken from an SVD (commons-math) of the same weights.
 * One layer, logits = Wx + b over K classes: C ≤ C_ℓ·σ(W), ‖∇²f‖ ≤ σ(W)²/2, ‖∇f‖ ≤ √2·σ(W),
 * with C_ℓ = 2√((K−1)/K). Two layers with a centered softplus of β over h hidden units,
 * logits = W₂ s₀(W₁x; β): C ≤ h·β·σ₁ + C_ℓ·σ₁σ₂, ‖∇²f‖ ≤ (√2/4)·β·σ₁²σ₂ + σ₁²σ₂²/2,
 * ‖∇f‖ ≤ √2·σ₁σ₂.
 */
class CurvatureBoundClosedFormTest {
  private static final Random RND = new Random(11);

  @Test
  void oneLayerGemmBoundEqualsClosedForm() {
    int k = 3;
    int d = 5;
    double[][] w = gaussian(k, d);
    GraphBuilder b = new GraphBuilder();
    String logits = b.node("Gemm", List.of("x", b.constant(new long[] {k, d}, flat(w)), b.constant(new long[] {k},
        0.1, -0.2, 0.3)), Attrs.i("transB", 1));
    BoundReport r = new CurvatureBound(OrtRuntime.cpu(1), 1).compute(b.build(new long[] {d}, logits), OutputKind.LOGITS);
    double s = sigma(w);
    double cl = 2 * Math.sqrt((k - 1.0) / k);
    assertEquals(cl * s, r.curvatureBound(), 1e-5 * cl * s);
    assertEquals(s * s / 2, r.hessianNormBound(), 1e-5 * s * s);
    assertEquals(Math.sqrt(2) * s, r.gradientNormBound(), 1e-5 * s);
  }

  @Test
  void twoLayerCenteredSoftplusBoundEqualsClosedForm() {
    int k = 4;
    int h = 6;
    int d = 5;
    double beta = 3.5;
    double[][] w1 = gaussian(h, d);
    double[][] w2 = gaussian(k, h);
    GraphBuilder b = new GraphBuilder();
    String z = b.node("Gemm", List.of("x", b.constant(new long[] {h, d}, flat(w1))), Attrs.i("transB", 1));
    String sp = b.node("Softplus", List.of(b.node("Mul", List.of(z, b.constant(new long[0], beta)))));
    String a = b.node("Div", List.of(b.node("Sub", List.of(sp, b.constant(new long[0], Math.log(2)))),
        b.constant(new long[0], beta)));
    String logits = b.node("Gemm", List.of(a, b.constant(new long[] {k, h}, flat(w2))), Attrs.i("transB", 1));
    BoundReport r = new CurvatureBound(OrtRuntime.cpu(1), 1).compute(b.build(new long[] {d}, logits), OutputKind.LOGITS);
    double s1 = sigma(w1);
    double s2 = sigma(w2);
    double cl = 2 * Math.sqrt((k - 1.0) / k);
    double c = h * beta * s1 + cl * s1 * s2;
    double hess = Math.sqrt(2) / 4 * beta * s1 * s1 * s2 + s1 * s1 * s2 * s2 / 2;
    assertEquals(c, r.curvatureBound(), 1e-5 * c);
    assertEquals(hess, r.hessianNormBound(), 1e-5 * hess);
    assertEquals(Math.sqrt(2) * s1 * s2, r.gradientNormBound(), 1e-5 * s1 * s2);
    assertEquals(beta, r.layers().get(1).beta(), 1e-6);
  }

  static double[][] gaussian(int rows, int cols) {
    double[][] w = new double[rows][cols];
    for (double[] row : w) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) RND.nextGaussian();
      }
    }
    return w;
  }

  static double[] flat(double[][] w) {
    return java.util.Arrays.stream(w).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  static double sigma(double[][] w) {
    return new SingularValueDecomposition(new Array2DRowRealMatrix(w)).getNorm();
  }
}
