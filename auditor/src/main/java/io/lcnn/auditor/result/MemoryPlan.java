package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an audit sized its batches for its memory budget (audit.json {@code settings.memory}). The
 * memory of the exact graphs is estimated, not measured: {@code bytesPerSample} =
 * {@code graphFactor} × {@code forwardBytesPerSample}, where the latter is the sum of the sizes
 * of every batch-dependent value of the model's forward graph for one sample (probed on ONNX
 * Runtime), and {@code graphFactor} bounds the same sum over the gradient and Hessian-vector
 * graphs relative to it, plus {@code solverBytesPerSample}, the eigen-solver's Krylov basis on the
 * Java heap; {@code fixedBytesPerWorker} is the weights held by a worker's two sessions. All sizes
 * are in bytes.
 *
 * @param budgetBytes the budget all workers share
 * @param budgetSource where the budget came from ({@code --memory-budget}, or the default share of physical memory)
 * @param forwardBytesPerSample batch-dependent bytes of the forward graph per sample; null when not estimated
 * @param graphFactor the factor from the forward graph to the gradient and HVP graphs together; null when not estimated
 * @param solverBytesPerSample the eigen-solver's basis per sample (iterations × sample size × 8); null when not estimated
 * @param bytesPerSample the estimate per sample: graphFactor × forwardBytesPerSample + solverBytesPerSample; null when
 *     not estimated
 * @param fixedBytesPerWorker weights held by one worker's sessions; null when not estimated
 * @param requestedBatchSize {@code --batch-size} as given
 * @param batchSize the batch size the audit ran with (samples per ONNX Runtime call and per unit of work)
 * @param maxWorkers how many workers the budget holds at that batch size
 * @param note what was decided and why, one line
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryPlan(
    long budgetBytes,
    String budgetSource,
    Long forwardBytesPerSample,
    Double graphFactor,
    Long solverBytesPerSample,
    Long bytesPerSample,
    Long fixedBytesPerWorker,
    int requestedBatchSize,
    int batchSize,
    int maxWorkers,
    String note) {}
