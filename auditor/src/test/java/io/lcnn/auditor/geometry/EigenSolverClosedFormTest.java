package io.lcnn.auditor.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EigenSolverClosedFormTest {
  private static final int N = 60;

  /** A spectrum of n values spread in (−spread, spread) with the given leading values. */
  private static double[] spectrum(long seed, double spread, double... leading) {
    Random r = new Random(seed);
    double[] s = new double[N];
    for (int i = 0; i < N; i++) {
      s[i] = (2 * r.nextDouble() - 1) * spread;
    }
    System.arraycopy(leading, 0, s, 0, leading.length);
    return s;
  }

  private static final double[][] CASES = {
    spectrum(1, 1.0, 10.0),
    spectrum(2, 1.0, -7.0, 3.0),
    spectrum(3, 1.0, 5.0, -5.0),
    spectrum(4, 2.0, 4.0, -3.96, 3.9),
    spectrum(5, 0.0, 2.0, 1.0, 0.5),
  };
  private static final double[] NORMS = {10.0, 7.0, 5.0, 4.0, 2.0};
  private static final double[] SIGNS = {1, -1, Double.NaN, 1, 1};

  private static void assertFindsDominantEigenvalues(EigenSolver solver, double relTol) {
    SymmetricMatrixHvpOracle h = new SymmetricMatrixHvpOracle(42, CASES);
    List<EigenEstimate> e = solver.solve(h, h.inputs(), h.labels(), 7);
    for (int i = 0; i < CASES.length; i++) {
      EigenEstimate est = e.get(i);
      assertEquals(NORMS[i], est.spectralNorm(), relTol * NORMS[i], "case " + i + ": " + est);
      if (!Double.isNaN(SIGNS[i])) {
        assertEquals(SIGNS[i], Math.signum(est.topEigenvalue()), "sign of case " + i);
      }
      assertTrue(est.iterations() <= solver.maxIterations(), "iterations of case " + i);
    }
  }

  @Test
  void lanczosFindsLargestMagnitudeIncludingNegativeAndPlusMinusPairs() {
    assertFindsDominantEigenvalues(new Lanczos(), 1e-3);
  }

  @Test
  void powerIterationFindsLargestMagnitudeIncludingPlusMinusPairs() {
    assertFindsDominantEigenvalues(new PowerIteration(400, 1e-4), 1e-2);
  }

  @Test
  void lanczosStopsAtTheRankOfALowRankHessian() {
    double[] s = new double[N];
    s[0] = 3.0;
    s[1] = -1.0;
    s[2] = 0.25;
    SymmetricMatrixHvpOracle h = new SymmetricMatrixHvpOracle(9, s);
    EigenEstimate e = new Lanczos().solve(h, h.inputs(), h.labels(), 3).get(0);
    assertEquals(3.0, e.spectralNorm(), 1e-5);
    assertTrue(e.iterations() <= 4, "iterations " + e.iterations());
  }

  @Test
  void zeroHessianGivesZeroNorm() {
    SymmetricMatrixHvpOracle h = new SymmetricMatrixHvpOracle(9, new double[N]);
    for (EigenSolver s : new EigenSolver[] {new Lanczos(), new PowerIteration()}) {
      EigenEstimate e = s.solve(h, h.inputs(), h.labels(), 3).get(0);
      assertEquals(0.0, e.spectralNorm(), 0.0, s.name());
      assertEquals(1, e.iterations(), s.name());
    }
  }

  @Test
  void reportedResidualMatchesTheTrueDistanceToTheNearestEigenvalue() {
    SymmetricMatrixHvpOracle h = new SymmetricMatrixHvpOracle(42, CASES);
    List<EigenEstimate> e = new Lanczos(6, 1e-12).solve(h, h.inputs(), h.labels(), 11);
    for (int i = 0; i < CASES.length; i++) {
      EigenEstimate est = e.get(i);
      double nearest = Double.POSITIVE_INFINITY;
      for (double lambda : CASES[i]) {
        nearest = Math.min(nearest, Math.abs(lambda - est.topEigenvalue()));
      }
      assertTrue(
          nearest <= est.residual() * Math.abs(est.topEigenvalue()) * (1 + 1e-3) + 1e-5,
          "case " + i + ": an eigenvalue lies within the residual bound; " + est + " nearest " + nearest);
    }
  }

  @Test
  void eachSampleIsSolvedInOneBatchedCallPerIteration() {
    SymmetricMatrixHvpOracle h = new SymmetricMatrixHvpOracle(42, CASES);
    List<EigenEstimate> e = new Lanczos().solve(h, h.inputs(), h.labels(), 7);
    int most = e.stream().mapToInt(EigenEstimate::iterations).max().orElseThrow();
    assertEquals(most, h.calls);
  }
}
