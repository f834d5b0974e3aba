package io.lcnn.auditor.stability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.Stats;
import io.lcnn.auditor.testmodels.QuadraticOracle;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.LabeledData;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientStabilityProbeTest {
  private static final int D = 12;
  private static final List<Double> RADII = List.of(1e-3, 3.1622776601683794e-3, 1e-2, 3.1622776601683794e-2, 1e-1);

  private static QuadraticOracle quadratic(long seed) {
    return new QuadraticOracle(matrix(seed), vector(seed));
  }

  private static double[][] matrix(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] m = new double[D][D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        m[i][j] = rng.nextDouble() - 0.5;
      }
    }
    double[][] a = new double[D][D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        a[i][j] = 0.5 * (m[i][j] + m[j][i]);
      }
    }
    return a;
  }

  private static double[] vector(long seed) {
    SplittableRandom rng = new SplittableRandom(seed + 1000);
    double[] b = new double[D];
    for (int i = 0; i < D; i++) {
      b[i] = 2 * (rng.nextDouble() - 0.5);
    }
    return b;
  }

  private static LabeledData data(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble();
    }
    return new LabeledData(new FloatTensor(new long[] {n, 1, 3, 4}, v), new int[n], "synthetic");
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double t : v) {
      s += t * t;
    }
    return Math.sqrt(s);
  }

  @Test
  void relativeChangeIsExactlyRTimesNormOfHessianTimesDirectionOverGradientNormForAQuadratic() {
    QuadraticOracle f = quadratic(1);
    int n = 10;
    LabeledData data = data(n, 2);
    FloatTensor dirs = data(n, 3).inputs();
    double[] curvature = new double[n];
    java.util.Arrays.fill(curvature, 2.0);
    GradientStability s = new GradientStabilityProbe(RADII, 4, 0, 3).run(f, data, curvature, dirs, "dirs.npy", k -> {});
    assertEquals(1, s.directions());
    assertEquals(RADII.size(), s.radii().size());
    for (GradientStability.RadiusStability rs : s.radii()) {
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        float[] unit = new float[D];
        double len = 0;
        for (int j = 0; j < D; j++) {
          len += (double) dirs.data()[i * D + j] * dirs.data()[i * D + j];
        }
        for (int j = 0; j < D; j++) {
          unit[j] = (float) (dirs.data()[i * D + j] / Math.sqrt(len));
        }
        expected[i] = rs.radius() * norm(f.apply(unit, 0)) / norm(f.grad(data.inputs().data(), i * D));
        // float32 gradients: the difference of two nearby gradients loses digits at small r
        assertEquals(expected[i], rs.perSample().get(i), 1e-3 * expected[i] + 2e-7 / norm(f.grad(data.inputs().data(), i * D)),
            "r=" + rs.radius() + " sample " + i);
      }
      Stats st = Stats.of(expected);
      assertEquals(st.mean(), rs.mean(), 1e-3 * st.mean());
      assertEquals(st.median(), rs.median(), 1e-3 * st.median());
      assertEquals(2.0 * rs.radius(), rs.predictedMean(), 1e-12);
    }
  }

  @Test
  void randomDirectionsAreAveragedPerSampleAndMatchTheQuadraticOnAverage() {
    QuadraticOracle f = quadratic(5);
    int n = 6;
    LabeledData data = data(n, 6);
    GradientStability s = new GradientStabilityProbe(RADII, 300, 7, 4).run(f, data, null, null, "random", k -> {});
    assertEquals(300, s.directions());
    assertEquals("random", s.noiseSource());
    for (GradientStability.RadiusStability rs : s.radii()) {
      for (int i = 0; i < n; i++) {
        // E‖Aδ‖² over uniform unit δ is ‖A‖_F²/d; the mean of ‖Aδ‖ lies below its root
        double frob = 0;
        float[] e = new float[D];
        for (int j = 0; j < D; j++) {
          java.util.Arrays.fill(e, 0f);
          e[j] = 1f;
          double c = norm(f.apply(e, 0));
          frob += c * c;
        }
        double upper = rs.radius() * Math.sqrt(frob / D) / norm(f.grad(data.inputs().data(), i * D));
        double got = rs.perSample().get(i);
        assertTrue(got <= upper * 1.001 && got >= 0.6 * upper, "r=" + rs.radius() + " sample " + i + ": " + got + " vs " + upper);
      }
      assertTrue(Double.isNaN(rs.predictedMean()));
    }
  }

  @Test
  void smallChangesAreResolvedByHvpQuadratureDespiteGradientRoundoff() {
    QuadraticOracle exact = quadratic(1);
    QuadraticOracle noisy = new QuadraticOracle(matrix(1), vector(1), 1e-5);
    int n = 8;
    LabeledData data = data(n, 2);
    FloatTensor dirs = data(n, 3).inputs();
    GradientStability want = new GradientStabilityProbe(RADII, 1, 0, 8).run(exact, data, null, dirs, "dirs", k -> {});
    GradientStability plain = new GradientStabilityProbe(RADII, 1, 0, 8).run(noisy, data, null, dirs, "dirs", k -> {});
    GradientStability fixed = new GradientStabilityProbe(RADII, 1, 0, 8).run(noisy, noisy, data, null, dirs, "dirs", k -> {});
    double plainWorst = 0;
    for (int r = 0; r < RADII.size(); r++) {
      for (int i = 0; i < n; i++) {
        double w = want.radii().get(r).perSample().get(i);
        plainWorst = Math.max(plainWorst, Math.abs(plain.radii().get(r).perSample().get(i) - w) / w);
        assertEquals(w, fixed.radii().get(r).perSample().get(i), 1e-2 * w, "r=" + RADII.get(r) + " sample " + i);
      }
    }
    assertTrue(plainWorst > 1e-2, "the noisy gradients should defeat plain differences at r=1e-3, worst error " + plainWorst);
  }

  @Test
  void samplesWithZeroGradientHaveNoRatio() {
    double[][] a = new double[D][D];
    for (int i = 0; i < D; i++) {
      a[i][i] = 1;
    }
    QuadraticOracle f = new QuadraticOracle(a, new double[D]);
    LabeledData data = new LabeledData(new FloatTensor(new long[] {2, 1, 3, 4}, new float[2 * D]), new int[2], "zeros");
    GradientStability s = new GradientStabilityProbe(RADII, 2, 0, 4).run(f, data, null, null, "random", k -> {});
    assertNull(s.radii().get(0).perSample().get(0));
    assertTrue(Double.isNaN(s.radii().get(0).mean()));
  }

  @Test
  void refusesDirectionsOfTheWrongShapeNamingTheFile() {
    LabeledData data = data(4, 2);
    FloatTensor wrong = FloatTensor.zeros(3, 1, 3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientStabilityProbe(RADII, 1, 0, 4).run(quadratic(1), data, null, wrong, "noise.npy", k -> {}));
    assertTrue(e.getMessage().startsWith("noise.npy"), e.getMessage());
  }
}
