package io.lcnn.auditor.audit;

import io.lcnn.auditor.geometry.Curvature;
import io.lcnn.auditor.geometry.EigenSolver;
import io.lcnn.auditor.geometry.Lanczos;
import io.lcnn.auditor.geometry.PowerIteration;
import io.lcnn.auditor.oracle.FiniteDifferenceGradientOracle;
import io.lcnn.auditor.runtime.Device;

/**
 * Every setting of an audit run.
 *
 * @param curvatureEpsilon ε in C_f = ‖∇²f‖₂/(‖∇f‖₂ + ε)
 * @param eigenSolver {@code "lanczos"} (default) or {@code "power"}
 * @param eigenMaxIterations HVPs per sample at most; 0 for the solver's default
 * @param eigenTolerance relative residual ‖Hu − λu‖/|λ| at which the solver stops
 * @param batchSize samples per batch (one ONNX Runtime call per oracle step)
 * @param threads ONNX Runtime intra-op threads (0: its default)
 * @param device requested device
 * @param seed seed of every random choice (eigen start vectors, self-check)
 * @param maxSamples audit at most this many samples per split (0: all)
 * @param outputKind {@code "auto"} (detect a final Softmax), {@code "logits"} or {@code "probabilities"}
 * @param gradients exact, finite-difference, or exact with fallback
 * @param fdGradientStep finite-difference gradient step relative to the input scale
 * @param fdHvpStep finite-difference HVP step relative to the input scale; 0 for the default of the gradient mode
 * @param selfCheckSamples test samples of the self-check (0 skips it)
 * @param fdRowsPerCall perturbed samples per ONNX Runtime call of the finite-difference oracles
 */
public record AuditOptions(
    double curvatureEpsilon,
    String eigenSolver,
    int eigenMaxIterations,
    double eigenTolerance,
    int batchSize,
    int threads,
    Device device,
    long seed,
    int maxSamples,
    String outputKind,
    GradientMode gradients,
    double fdGradientStep,
    double fdHvpStep,
    int selfCheckSamples,
    int fdRowsPerCall) {

  /** Checks ranges; messages name the option. */
  public AuditOptions {
    if (!(curvatureEpsilon >= 0)) {
      throw new IllegalArgumentException("--epsilon must be ≥ 0, not " + curvatureEpsilon);
    }
    if (!eigenSolver.equals("lanczos") && !eigenSolver.equals("power")) {
      throw new IllegalArgumentException("--eigen must be lanczos or power, not '" + eigenSolver + "'");
    }
    if (eigenMaxIterations < 0) {
      throw new IllegalArgumentException("--eigen-iters must be ≥ 0, not " + eigenMaxIterations);
    }
    if (!(eigenTolerance > 0)) {
      throw new IllegalArgumentException("--eigen-tol must be > 0, not " + eigenTolerance);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be ≥ 1, not " + batchSize);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must be ≥ 0, not " + threads);
    }
    if (maxSamples < 0) {
      throw new IllegalArgumentException("--max-samples must be ≥ 0, not " + maxSamples);
    }
    if (!outputKind.equals("auto") && !outputKind.equals("logits") && !outputKind.equals("probabilities")) {
      throw new IllegalArgumentException("--output must be auto, logits or probabilities, not '" + outputKind + "'");
    }
    if (!(fdGradientStep > 0) || !(fdHvpStep >= 0)) {
      throw new IllegalArgumentException("finite-difference steps must be positive");
    }
    if (selfCheckSamples < 0 || fdRowsPerCall < 2) {
      throw new IllegalArgumentException("self-check samples must be ≥ 0 and rows per call ≥ 2");
    }
  }

  /** The defaults: Lanczos, ε = 1e-6, batches of 32, CPU, all samples, exact with fallback. */
  public static AuditOptions defaults() {
    return new AuditOptions(
        Curvature.DEFAULT_EPSILON, "lanczos", 0, Lanczos.DEFAULT_TOLERANCE, 32, 0, Device.CPU, 0L, 0, "auto",
        GradientMode.AUTO, FiniteDifferenceGradientOracle.DEFAULT_RELATIVE_STEP, 0, 4,
        FiniteDifferenceOracleFactory.DEFAULT_ROWS_PER_CALL);
  }

  /** The eigen-solver these options name, with the solver's default cap when 0 is given. */
  public EigenSolver solver() {
    int cap = eigenMaxIterations > 0
        ? eigenMaxIterations
        : eigenSolver.equals("power") ? PowerIteration.DEFAULT_MAX_ITERATIONS : Lanczos.DEFAULT_MAX_ITERATIONS;
    return EigenSolver.named(eigenSolver, cap, eigenTolerance);
  }

  /** A copy with another gradient mode. */
  public AuditOptions withGradients(GradientMode mode) {
    return new AuditOptions(curvatureEpsilon, eigenSolver, eigenMaxIterations, eigenTolerance, batchSize, threads, device,
        seed, maxSamples, outputKind, mode, fdGradientStep, fdHvpStep, selfCheckSamples, fdRowsPerCall);
  }

  /** A copy auditing at most {@code n} samples per split. */
  public AuditOptions withMaxSamples(int n) {
    return new AuditOptions(curvatureEpsilon, eigenSolver, eigenMaxIterations, eigenTolerance, batchSize, threads, device,
        seed, n, outputKind, gradients, fdGradientStep, fdHvpStep, selfCheckSamples, fdRowsPerCall);
  }

  /** A copy with another eigen-solver, cap and tolerance. */
  public AuditOptions withEigen(String solver, int maxIterations, double tolerance) {
    return new AuditOptions(curvatureEpsilon, solver, maxIterations, tolerance, batchSize, threads, device,
        seed, maxSamples, outputKind, gradients, fdGradientStep, fdHvpStep, selfCheckSamples, fdRowsPerCall);
  }

  /** A copy whose self-check uses {@code n} samples (0 skips it). */
  public AuditOptions withSelfCheckSamples(int n) {
    return new AuditOptions(curvatureEpsilon, eigenSolver, eigenMaxIterations, eigenTolerance, batchSize, threads, device,
        seed, maxSamples, outputKind, gradients, fdGradientStep, fdHvpStep, n, fdRowsPerCall);
  }
}
