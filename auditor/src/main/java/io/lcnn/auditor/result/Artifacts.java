package io.lcnn.auditor.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Arrays saved next to audit.json so that a report reads nothing but the audit folder. Paths are
 * relative to the folder holding audit.json; arrays are float32 .npy shaped [G, ...input shape].
 *
 * @param galleryIndices test-split indices of the gallery samples (least robust first)
 * @param galleryEps the ε of the adversarial gallery inputs
 * @param galleryInputs clean inputs of the gallery samples
 * @param galleryAdversarial adversarial inputs of the gallery samples
 * @param galleryGradients input gradients of the gallery samples (saliency)
 * @param galleryAdversarialPredictions predicted class of each adversarial input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Artifacts(
    List<Integer> galleryIndices,
    Double galleryEps,
    String galleryInputs,
    String galleryAdversarial,
    String galleryGradients,
    List<Integer> galleryAdversarialPredictions) {}
