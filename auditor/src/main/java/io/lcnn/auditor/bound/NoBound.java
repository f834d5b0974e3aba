package io.lcnn.auditor.bound;

/**
 * Why a bound does not exist for a model.
 *
 * @param node name of the node (or value) that breaks the theorem's assumptions
 * @param op its op type
 * @param reason one sentence
 */
public record NoBound(String node, String op, String reason) {}
