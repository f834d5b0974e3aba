package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.datasets.FloatTensor;
import java.util.List;

/**
 * Finds the eigenvalue of largest magnitude of each sample's input Hessian from batched
 * Hessian-vector products: every iteration sends all still-unconverged samples of the batch,
 * each with its own vector, to the oracle in one call.
 */
public interface EigenSolver {
  /**
   * @param hvp Hessian-vector products of the per-sample loss
   * @param x inputs [B, ...]
   * @param labels true classes, length B
   * @param seed seed of the random start vectors
   * @param firstIndex index of the batch's first sample in its split: sample i starts from the
   *     vector of {@code SampleRandom.of(seed, firstIndex + i)}, whatever batch it is in
   * @return one estimate per sample, in batch order
   */
  List<EigenEstimate> solve(HvpOracle hvp, FloatTensor x, int[] labels, long seed, long firstIndex);

  /** {@link #solve(HvpOracle, FloatTensor, int[], long, long)} for a batch that starts its split. */
  default List<EigenEstimate> solve(HvpOracle hvp, FloatTensor x, int[] labels, long seed) {
    return solve(hvp, x, labels, seed, 0);
  }

  /** {@code "power"} or {@code "lanczos"}. */
  String name();

  /** Most Hessian-vector products per sample. */
  int maxIterations();

  /** Relative residual ‖Hu − λu‖/|λ| at which a sample counts as converged. */
  double tolerance();

  /** The solver called {@code name} ({@code power} or {@code lanczos}). */
  static EigenSolver named(String name, int maxIterations, double tolerance) {
    return switch (name) {
      case "power" -> new PowerIteration(maxIterations, tolerance);
      case "lanczos" -> new Lanczos(maxIterations, tolerance);
      default -> throw new IllegalArgumentException("eigen-solver must be power or lanczos, not '" + name + "'");
    };
  }
}
