package io.lcnn.auditor.bound;

import java.util.List;

/**
 * An lcnn export's β and γ (metadata {@code lcnn.betas}, {@code lcnn.gammas}) checked against
 * the graph: every centered softplus is Mul(β) → Softplus → Sub(ln 2) → Div(β), and every
 * γ-Lipschitz batch norm a per-channel Mul whose largest |scale| must not exceed its γ.
 *
 * @param betasMetadata β per activation from the metadata, in forward order
 * @param betasGraph β per Softplus read from the graph's Mul constants, in forward order
 * @param betasMatch whether both lists agree (same length, relative difference ≤ 1e-4)
 * @param gammasMetadata γ per Lipschitz batch norm from the metadata
 * @param batchNormMaxScales max_c |scale_c| of each per-channel Mul followed by a per-channel Add
 * @param gammasHold whether there are as many such Muls as γs and each max scale ≤ γ·(1 + 1e-4)
 */
public record LcnnMetadataCheck(
    List<Double> betasMetadata,
    List<Double> betasGraph,
    boolean betasMatch,
    List<Double> gammasMetadata,
    List<Double> batchNormMaxScales,
    boolean gammasHold) {}
