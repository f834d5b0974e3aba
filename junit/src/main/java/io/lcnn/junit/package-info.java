/**
 * JUnit 5 assertions over an audit result, so that a model is gated inside {@code mvn test}:
 * {@code AuditAssertions.assertThat(result).curvature().p90().isAtMost(50)}.
 */
package io.lcnn.junit;
