package io.lcnn.auditor.audit;

import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.HvpOracle;
import java.util.List;

/**
 * A gradient oracle and an HVP oracle for one model, with the native resources (sessions) they
 * hold; closing the set closes those resources in reverse order.
 */
public record OracleSet(GradientOracle gradient, HvpOracle hvp, List<AutoCloseable> resources) implements AutoCloseable {
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cannot release oracle resources: " + e.getMessage(), e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
