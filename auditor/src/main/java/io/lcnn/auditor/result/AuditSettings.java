package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Every setting an audit ran with, so that a result can be reproduced.
 *
 * @param curvatureEpsilon ε in C_f = ‖∇²f‖₂ / (‖∇f‖₂ + ε)
 * @param eigenSolver {@code "power"} or {@code "lanczos"}
 * @param eigenMaxIterations iteration cap of the eigen-solver
 * @param eigenTolerance relative convergence tolerance of the eigenvalue estimate
 * @param batchSize samples per ONNX Runtime call
 * @param threads intra-op threads of ONNX Runtime
 * @param device requested device: {@code "cpu"}, {@code "cuda"} or {@code "auto"}
 * @param seed seed of every random choice
 * @param maxSamples cap on samples audited per split (0 = all)
 * @param fdStep step of the finite-difference HVP check, relative to the input scale
 * @param selfCheckSamples samples the self-check uses
 * @param inputs test inputs file
 * @param labels test labels file
 * @param trainInputs train inputs file, if any
 * @param trainLabels train labels file, if any
 * @param pgdEps attack radii (issue 4), if attacks ran
 * @param pgdSteps attack steps, if attacks ran
 * @param pgdRestarts attack restarts, if attacks ran
 * @param attack attack choice, if attacks ran
 * @param stabilityRadii gradient-stability radii, if run
 * @param options every audit option with its value, keyed as in the Java API (the fields above
 *     are the ones readers use; this map is the complete record)
 * @param memory how the batch size was fitted to the memory budget; null in results written before it was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditSettings(
    double curvatureEpsilon,
    String eigenSolver,
    int eigenMaxIterations,
    double eigenTolerance,
    int batchSize,
    int threads,
    String device,
    long seed,
    int maxSamples,
    double fdStep,
    int selfCheckSamples,
    String inputs,
    String labels,
    String trainInputs,
    String trainLabels,
    List<Double> pgdEps,
    Integer pgdSteps,
    Integer pgdRestarts,
    String attack,
    List<Double> stabilityRadii,
    Map<String, Object> options,
    MemoryPlan memory) {}
