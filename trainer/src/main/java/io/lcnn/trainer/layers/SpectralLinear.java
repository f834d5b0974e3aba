package io.lcnn.trainer.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * A fully connected layer y = x (W/σ(W))ᵀ + b on inputs [N, in], outputs [N, out], where σ(W) is
 * W's largest singular value estimated by power iteration (Miyato et al.): persistent vectors
 * u [out] and v [in] advance one iteration per training forward pass (and
 * {@value #WARMUP_ITERATIONS} at creation); σ = uᵀ W v with u, v held constant, so gradients flow
 * through σ. Inference uses the stored u, v without advancing them.
 */
public final class SpectralLinear extends AbstractBlock implements StatefulLayer {
  /** Power iterations run when the layer is initialized. */
  public static final int WARMUP_ITERATIONS = 15;

  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter u;
  private final Parameter v;
  private boolean stateUpdates = true;

  /** A layer with {@code outFeatures} outputs; the input size comes from initialization. */
  public SpectralLinear(int outFeatures) {
    this.outFeatures = outFeatures;
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
        .optInitializer(new XavierInitializer()).build());
    bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
        .optInitializer(Initializer.ZEROS).build());
    u = addParameter(Parameter.builder().setName("u").setType(Parameter.Type.OTHER)
        .optRequiresGrad(false).optInitializer(new NormalInitializer(1f)).build());
    v = addParameter(Parameter.builder().setName("v").setType(Parameter.Type.OTHER)
        .optRequiresGrad(false).optInitializer(new NormalInitializer(1f)).build());
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long in = inputShapes[0].get(1);
    weight.setShape(new Shape(outFeatures, in));
    bias.setShape(new Shape(outFeatures));
    u.setShape(new Shape(outFeatures));
    v.setShape(new Shape(in));
  }

  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    super.initialize(manager, dataType, inputShapes);
    PowerIteration.store(u.getArray(), PowerIteration.normalize(u.getArray()));
    for (int i = 0; i < WARMUP_ITERATIONS; i++) {
      iterate();
    }
  }

  @Override
  public void setStateUpdates(boolean enabled) {
    stateUpdates = enabled;
  }

  /** Number of outputs. */
  public int outFeatures() {
    return outFeatures;
  }

  /** The raw weight parameter [out, in]. */
  public Parameter weightParameter() {
    return weight;
  }

  /** The bias parameter [out]. */
  public Parameter biasParameter() {
    return bias;
  }

  /** One power iteration on the detached weight, updating u and v in place. */
  public void iterate() {
    NDArray w = weight.getArray().stopGradient();
    NDArray nv = PowerIteration.normalize(w.transpose().matMul(u.getArray()));
    NDArray nu = PowerIteration.normalize(w.matMul(nv));
    PowerIteration.store(v.getArray(), nv);
    PowerIteration.store(u.getArray(), nu);
    w.close();
  }

  /** σ = uᵀ W v from the stored vectors, differentiable with respect to W. */
  public NDArray sigma() {
    return u.getArray().dot(weight.getArray().matMul(v.getArray()));
  }

  /** W/σ(W) as the forward pass uses it [out, in]. */
  public NDArray normalizedWeight() {
    return weight.getArray().div(sigma());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (training && stateUpdates) {
      iterate();
    }
    NDArray x = inputs.singletonOrThrow();
    return new NDList(x.matMul(normalizedWeight().transpose()).add(bias.getArray()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outFeatures)};
  }
}
