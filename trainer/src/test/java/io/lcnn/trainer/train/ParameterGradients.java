package io.lcnn.trainer.train;

import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.List;

/** Test helpers: parameter gradients as one float64 vector, and their relative error. */
final class ParameterGradients {
  private ParameterGradients() {}

  /** The gradients of {@code ps}, concatenated in order. */
  static double[] of(List<Parameter> ps) {
    int n = ps.stream().mapToInt(p -> (int) p.getArray().size()).sum();
    double[] out = new double[n];
    int off = 0;
    for (Parameter p : ps) {
      double[] g = p.getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      System.arraycopy(g, 0, out, off, g.length);
      off += g.length;
    }
    return out;
  }

  /** ‖approx − exact‖ / ‖exact‖. */
  static double relativeError(double[] approx, double[] exact) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < exact.length; i++) {
      num += (approx[i] - exact[i]) * (approx[i] - exact[i]);
      den += exact[i] * exact[i];
    }
    return Math.sqrt(num / den);
  }
}
