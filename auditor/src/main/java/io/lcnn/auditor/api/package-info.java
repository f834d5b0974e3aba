/**
 * The Java API for embedding audits: {@link io.lcnn.auditor.api.Audit} builds and runs an audit
 * of an ONNX classifier in a few calls and returns the {@code audit.json} content.
 */
package io.lcnn.auditor.api;
