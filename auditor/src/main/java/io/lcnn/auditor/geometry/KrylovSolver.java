package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The common part of the batched Krylov eigen-solvers: an iteration cap, a relative residual
 * tolerance, one random unit start vector per sample (keyed by the seed and the sample's index), and the {@link KrylovDriver} that
 * sends every unconverged sample of a batch to the HVP oracle in one call per step. Subclasses
 * say only how one sample iterates.
 */
public abstract class KrylovSolver implements EigenSolver {
  /** Most Hessian-vector products per sample. */
  protected final int maxIterations;

  /** Relative residual ‖Hu − λu‖/|λ| at which a sample stops. */
  protected final double tolerance;

  private final String name;

  /** Checks the cap (at least 1) and tolerance (positive). */
  protected KrylovSolver(String name, int maxIterations, double tolerance) {
    if (maxIterations < 1 || !(tolerance > 0)) {
      throw new IllegalArgumentException(name + " needs maxIterations ≥ 1 and tolerance > 0");
    }
    this.name = name;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  /** The iteration state of one sample, started from the unit vector {@code start}. */
  abstract KrylovDriver.SampleIteration start(double[] start);

  @Override
  public final List<EigenEstimate> solve(HvpOracle hvp, FloatTensor x, int[] labels, long seed, long firstIndex) {
    List<KrylovDriver.SampleIteration> states = new ArrayList<>();
    for (int i = 0; i < x.batchSize(); i++) {
      states.add(start(KrylovDriver.randomUnit(SampleRandom.of(seed, firstIndex + i), x.sampleSize())));
    }
    return KrylovDriver.run(hvp, x, labels, states);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int maxIterations() {
    return maxIterations;
  }

  @Override
  public final double tolerance() {
    return tolerance;
  }
}
