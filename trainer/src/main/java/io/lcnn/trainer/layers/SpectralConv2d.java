package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;

import ai.djl.util.PairList;

/**
 * A 2-D convolution (NCHW, square kernel, no dilation, one group) whose weight is divided by the
 * operator norm σ of the whole convolution map, stride and padding included (Ryu et al.'s "real"
 * spectral norm). σ is estimated by power iteration alternating convolution and transposed
 * convolution on persistent tensors u (output-shaped, [1, out, Ho, Wo]) and v (input-shaped,
 * [1, in, H, W]); σ = ⟨u, conv(v, W)⟩ with u, v held constant, so gradients flow through σ. One
 * iteration per training forward pass, {@value #WARMUP_ITERATIONS} at creation; inference uses
 * the stored u, v. The bias (optional) is added after normalization.
 */
public final class SpectralConv2d extends AbstractBlock implements StatefulLayer {
  /** Power iterations run when the layer is initialized. */
  public static final int WARMUP_ITERATIONS = 15;

  private final int filters;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final boolean includeBias;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter u;
  private final Parameter v;
  private Shape outputPadding = new Shape(0, 0);
  private boolean stateUpdates = true;

  /** A k×k convolution to {@code filters} channels with the given stride and zero padding. */
  public SpectralConv2d(int filters, int kernel, int stride, int padding, boolean includeBias) {
    this.filters = filters;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.includeBias = includeBias;
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
        .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
            XavierInitializer.FactorType.IN, 2f)).build());
    bias = includeBias
        ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
            .optInitializer(Initializer.ZEROS).build())
        : null;
    u = addParameter(Parameter.builder().setName("u").setType(Parameter.Type.OTHER)
        .optRequiresGrad(false).optInitializer(new NormalInitializer(1f)).build());
    v = addParameter(Parameter.builder().setName("v").setType(Parameter.Type.OTHER)
        .optRequiresGrad(false).optInitializer(new NormalInitializer(1f)).build());
  }

  private long outSize(long in) {
    return (in + 2L * padding - kernel) / stride + 1;
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long c = in.get(1);
    long h = in.get(2);
    long w = in.get(3);
    weight.setShape(new Shape(filters, c, kernel, kernel));
    if (bias != null) {
      bias.setShape(new Shape(filters));
    }
    v.setShape(new Shape(1, c, h, w));
    u.setShape(new Shape(1, filters, outSize(h), outSize(w)));
  }

  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    super.initialize(manager, dataType, inputShapes);
    Shape in = inputShapes[0];
    long ho = outSize(in.get(2));
    long wo = outSize(in.get(3));
    outputPadding = new Shape(
        in.get(2) - ((ho - 1) * stride - 2L * padding + kernel),
        in.get(3) - ((wo - 1) * stride - 2L * padding + kernel));
    PowerIteration.store(v.getArray(), PowerIteration.normalize(v.getArray()));
    for (int i = 0; i < WARMUP_ITERATIONS; i++) {
      iterate();
    }
  }

  @Override
  public void setStateUpdates(boolean enabled) {
    stateUpdates = enabled;
  }

  /** Output channels. */
  public int filters() {
    return filters;
  }

  /** Kernel size (square). */
  public int kernel() {
    return kernel;
  }

  /** Stride in both directions. */
  public int stride() {
    return stride;
  }

  /** Zero padding on each side. */
  public int padding() {
    return padding;
  }

  /** The bias parameter, or null when the layer has none. */
  public Parameter biasParameter() {
    return bias;
  }

  /** The raw (unnormalized) weight parameter [out, in, k, k]. */
  public Parameter weightParameter() {
    return weight;
  }

  /** The convolution of {@code x} with kernel {@code w} (no bias), this layer's stride and padding. */
  public NDArray convolve(NDArray x, NDArray w) {
    return x.getNDArrayInternal().convolution(x, w, null, new Shape(stride, stride),
        new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
  }

  /**
   * The adjoint (transposed convolution) of {@link #convolve} applied to an output-shaped {@code y}:
   * zeros are inserted between the entries of y (stride), the result is padded so that the output
   * has the input's size, and convolved with the spatially flipped kernel whose in/out channels are
   * swapped. (libtorch's conv_transpose is not exposed by DJL's PyTorch engine.)
   */
  public NDArray convolveTransposed(NDArray y, NDArray w) {
    Shape s = y.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long ho = s.get(2);
    long wo = s.get(3);
    NDArray dilated = y;
    if (stride > 1) {
      NDArray grid = y.reshape(n, c, ho, 1, wo, 1);
      NDArray zerosW = grid.zerosLike().repeat(5, stride - 1);
      NDArray rows = grid.concat(zerosW, 5);
      NDArray zerosH = rows.zerosLike().repeat(3, stride - 1);
      dilated = rows.concat(zerosH, 3).reshape(n, c, ho * stride, wo * stride);
    }
    long hd = (ho - 1) * stride + 1 + outputPadding.get(0);
    long wd = (wo - 1) * stride + 1 + outputPadding.get(1);
    if (stride > 1) {
      dilated = dilated.get(new NDIndex(":, :, :{}, :{}", hd, wd));
    }
    if (outputPadding.get(0) > 0 && stride == 1) {
      throw new IllegalStateException("output padding needs stride > 1");
    }
    NDArray flipped = w.flip(2, 3).transpose(1, 0, 2, 3);
    int q = kernel - 1 - padding;
    return dilated.getNDArrayInternal().convolution(dilated, flipped, null, new Shape(1, 1),
        new Shape(q, q), new Shape(1, 1), 1).singletonOrThrow();
  }

  /** One power iteration on the detached weight, updating v then u in place. */
  public void iterate() {
    NDArray w = weight.getArray().stopGradient();
    NDArray nv = PowerIteration.normalize(convolveTransposed(u.getArray(), w));
    NDArray nu = PowerIteration.normalize(convolve(nv, w));
    PowerIteration.store(v.getArray(), nv);
    PowerIteration.store(u.getArray(), nu);
    w.close();
  }

  /** σ = ⟨u, conv(v, W)⟩ from the stored tensors, differentiable with respect to W. */
  public NDArray sigma() {
    return u.getArray().mul(convolve(v.getArray(), weight.getArray())).sum();
  }

  /** W/σ as the forward pass uses it [out, in, k, k]. */
  public NDArray normalizedWeight() {
    return weight.getArray().div(sigma());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray sigma;
    if (training && stateUpdates) {
      // One power iteration whose last convolution, taken with the live weight, also gives σ:
      // v ← Aᵀu/‖Aᵀu‖, u ← Av/‖Av‖, σ = ⟨u, Av⟩ with u, v constant (saves one convolution).
      NDArray w = weight.getArray().stopGradient();
      NDArray nv = PowerIteration.normalize(convolveTransposed(u.getArray(), w));
      w.close();
      NDArray av = convolve(nv, weight.getArray());
      NDArray nu = PowerIteration.normalize(av.stopGradient());
      PowerIteration.store(v.getArray(), nv);
      PowerIteration.store(u.getArray(), nu);
      sigma = u.getArray().mul(av).sum();
    } else {
      sigma = sigma();
    }
    NDArray x = inputs.singletonOrThrow();
    NDArray y = convolve(x, weight.getArray().div(sigma));
    if (bias != null) {
      y = y.add(bias.getArray().reshape(1, filters, 1, 1));
    }
    return new NDList(y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), filters, outSize(in.get(2)), outSize(in.get(3)))};
  }
}
