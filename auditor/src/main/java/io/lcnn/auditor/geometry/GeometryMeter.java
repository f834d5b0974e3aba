package io.lcnn.auditor.geometry;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.oracle.HvpOracle;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures per-sample loss geometry on a batch: loss and prediction (from the gradient oracle), ‖∇f‖₂ from one gradient call, the Hessian's spectral norm and signed top eigenvalue
 * from an {@link EigenSolver} on batched HVPs, and C_f = ‖∇²f‖₂/(‖∇f‖₂ + ε).
 */
public final class GeometryMeter {
  private final GradientOracle gradients;
  private final HvpOracle hvp;
  private final EigenSolver solver;
  private final double epsilon;

  /**
   * @param gradients gradient oracle
   * @param hvp Hessian-vector products
   * @param solver eigen-solver for the Hessian spectral norm
   * @param epsilon ε of the curvature
   */
  public GeometryMeter(GradientOracle gradients, HvpOracle hvp, EigenSolver solver, double epsilon) {
    this.gradients = gradients;
    this.hvp = hvp;
    this.solver = solver;
    this.epsilon = epsilon;
  }

  /**
   * @param x inputs [B, ...]
   * @param labels true classes
   * @param firstIndex index of the batch's first sample in its split (recorded per sample)
   * @param seed seed of the eigen-solver's start vectors (each sample's is keyed by its index)
   */
  public BatchGeometry measure(FloatTensor x, int[] labels, int firstIndex, long seed) {
    GradientResult g = gradients.gradient(x, labels);
    float[] losses = g.loss();
    int[] predictions = g.forward().predictions();
    List<EigenEstimate> eig = solver.solve(hvp, x, labels, seed, firstIndex);
    int d = x.sampleSize();
    List<SampleGeometry> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      double n2 = 0;
      for (int j = 0; j < d; j++) {
        double v = g.gradient().data()[i * d + j];
        n2 += v * v;
      }
      double gradNorm = Math.sqrt(n2);
      EigenEstimate e = eig.get(i);
      out.add(new SampleGeometry(
          firstIndex + i,
          labels[i],
          predictions[i],
          losses[i],
          gradNorm,
          e.spectralNorm(),
          e.topEigenvalue(),
          Curvature.of(e.spectralNorm(), gradNorm, epsilon),
          e.iterations(),
          e.residual()));
    }
    return new BatchGeometry(out, g.gradient());
  }
}
