package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.function.BiFunction;

/** Test helpers: parameter gradients as one float64 vector, exact double backprop, relative errors. */
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

  /** Parameter gradients of the scalar {@code exact}, after clearing what earlier passes left. */
  static double[] ofScalar(List<Parameter> ps, NDArray exact) {
    for (Parameter p : ps) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
    JniUtils.backward((PtNDArray) exact, (PtNDArray) exact.onesLike(), false, false);
    return of(ps);
  }

  /** ∇ₓ reduce(logits(x), y), kept differentiable with respect to the parameters (create_graph). */
  static NDArray differentiableInputGradient(Network net, NDArray x, NDArray y,
      BiFunction<NDArray, NDArray, NDArray> reduce) {
    NDArray xi = x.duplicate();
    xi.setRequiresGradient(true);
    NDArray loss = reduce.apply(net.forwardFrozen(xi), y);
    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), true, true);
    return xi.getGradient();
  }
}
