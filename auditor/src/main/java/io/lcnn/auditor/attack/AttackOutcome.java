package io.lcnn.auditor.attack;

import io.lcnn.datasets.FloatTensor;

/**
 * What an attack found on a batch of B samples.
 *
 * @param broken per sample, whether some evaluated point was misclassified
 * @param adversarial [B, ...] per sample the first misclassified point found when broken,
 *     otherwise the point of highest loss found (every point lies in the ε-ball and the range)
 * @param loss per sample, the loss at the kept point
 */
public record AttackOutcome(boolean[] broken, FloatTensor adversarial, float[] loss) {}
