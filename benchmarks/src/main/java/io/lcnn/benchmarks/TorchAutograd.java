package io.lcnn.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.train.CrossEntropy;
import io.lcnn.trainer.train.Network;

/**
 * Per-sample input gradients and exact Hessian-vector products of the cross-entropy loss of a
 * trainer {@link Network} in inference mode, by libtorch autograd through DJL: the loss is
 * ℓᵢ = logsumexp(zᵢ) − zᵢ,yᵢ of the logits zᵢ (as in the auditor), the gradient is ∂ℓᵢ/∂xᵢ and
 * the HVP is ∇²ℓᵢ(xᵢ)·vᵢ by double backprop ({@code JniUtils.backward} with {@code createGraph}).
 * Inputs, probes and results are host tensors [N, C, H, W]; the arithmetic runs in the precision
 * chosen at construction. The network's parameters are converted to that precision and frozen
 * (no parameter gradients), so the only autograd leaf is the input.
 *
 * <p>Double backprop with {@code createGraph} leaks through libtorch's parameter↔gradient
 * reference cycle when parameters require gradients (see the trainer); here they do not, and
 * 24 HVP calls at batch 128 left resident memory where 2 calls did.
 */
public final class TorchAutograd {
  private final Network net;
  private final DataType precision;

  /**
   * Wraps {@code net}, converting its parameters (and running statistics) to {@code precision}
   * (FLOAT32 or FLOAT64) in place and switching off their gradients.
   */
  public TorchAutograd(Network net, DataType precision) {
    this.net = net;
    this.precision = precision;
    for (Parameter p : net.block().getParameters().values()) {
      NDArray a = p.getArray();
      if (a.getDataType() != precision) {
        a.intern(a.toType(precision, true));
      }
      a.setRequiresGradient(false);
    }
  }

  /** The wrapped network (parameters in {@link #precision}, frozen). */
  public Network network() {
    return net;
  }

  /** The precision of the arithmetic. */
  public DataType precision() {
    return precision;
  }

  /** Intra-op threads libtorch uses in this process. */
  public static int threads() {
    return JniUtils.getNumThreads();
  }

  /** ∂ℓᵢ/∂xᵢ for every sample, same shape as x. */
  public FloatTensor gradient(FloatTensor x, int[] labels) {
    try (NDManager m = net.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray xi = input(m, x);
      NDArray loss = CrossEntropy.sum(net.forward(xi, false), labels(m, labels));
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
      return host(xi.getGradient(), x.shape());
    }
  }

  /** ∇²ℓᵢ(xᵢ)·vᵢ for every sample, same shape as x and v. */
  public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
    try (NDManager m = net.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray xi = input(m, x);
      NDArray loss = CrossEntropy.sum(net.forward(xi, false), labels(m, labels));
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), true, true);
      NDArray probe = m.create(v.data(), new Shape(v.shape())).toType(precision, false);
      // ⟨∇ℓ, v⟩ is built on the differentiable gradient itself (a DJL copy of it is detached);
      // the gradient buffer is then zeroed so the second backward leaves exactly H·v in it.
      NDArray gv = xi.getGradient().mul(probe).sum();
      JniUtils.zeroGrad((PtNDArray) xi);
      JniUtils.backward((PtNDArray) gv, (PtNDArray) gv.onesLike(), false, false);
      return host(xi.getGradient(), x.shape());
    }
  }

  private NDArray input(NDManager m, FloatTensor x) {
    NDArray xi = m.create(x.data(), new Shape(x.shape())).toType(precision, false);
    xi.setRequiresGradient(true);
    return xi;
  }

  static NDArray labels(NDManager m, int[] labels) {
    long[] y = new long[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels[i];
    }
    return m.create(y);
  }

  private static FloatTensor host(NDArray a, long[] shape) {
    return new FloatTensor(shape.clone(), a.toType(DataType.FLOAT32, false).toFloatArray());
  }
}
