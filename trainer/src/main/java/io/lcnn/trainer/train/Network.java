package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.model.Blocks;
import io.lcnn.trainer.model.ModelFactory;
import io.lcnn.trainer.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A built network with its spec and the NDManager owning its parameters: forward passes from
 * NDArrays [N, C, H, W] to logits [N, classes], and batched float32 inference on host tensors.
 */
public final class Network implements AutoCloseable {
  private final ModelSpec spec;
  private final NDManager manager;
  private final SequentialBlock block;
  private final ParameterStore store;

  /** Builds and initializes the network described by {@code spec} in a new manager. */
  public static Network create(ModelSpec spec) {
    NDManager m = NDManager.newBaseManager();
    return new Network(spec, m, ModelFactory.create(spec, m));
  }

  private Network(ModelSpec spec, NDManager manager, SequentialBlock block) {
    this.spec = spec;
    this.manager = manager;
    this.block = block;
    this.store = new ParameterStore(manager, false);
  }

  /** The architecture. */
  public ModelSpec spec() {
    return spec;
  }

  /** The DJL block tree (layers in forward order). */
  public SequentialBlock block() {
    return block;
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** Logits [N, classes] for inputs [N, C, H, W]; training mode uses batch statistics. */
  public NDArray forward(NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /**
   * Logits in a state-preserving training-mode pass: batch statistics are used, but no running
   * state advances (power iterations and Lipschitz batch-norm statistics are switched off; DJL's
   * BatchNorm, which updates its running mean and variance inside every training-mode pass, gets
   * its values back afterwards).
   */
  public NDArray forwardFrozen(NDArray x) {
    List<NDArray> stats = runningStatistics();
    List<NDArray> saved = stats.stream().map(NDArray::duplicate).toList();
    Blocks.setStateUpdates(block, false);
    try {
      return forward(x, true);
    } finally {
      Blocks.setStateUpdates(block, true);
      // The saved copies take the statistics' place (intern swaps the native tensor and closes the
      // copy) instead of being copied into them: an in-place write would bump the version of a
      // tensor that this pass's autograd graph saved, and its backward would refuse to run.
      for (int i = 0; i < stats.size(); i++) {
        stats.get(i).intern(saved.get(i));
      }
    }
  }

  /** The running means and variances of the DJL batch norms (standard builds), in forward order. */
  public List<NDArray> runningStatistics() {
    return Blocks.ofType(block, BatchNorm.class).stream()
        .flatMap(b -> b.getParameters().values().stream())
        .filter(p -> p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR)
        .map(Parameter::getArray)
        .toList();
  }

  /**
   * Names of the parameters and persistent state arrays (running statistics, power-iteration
   * vectors) holding a NaN or an infinity, followed by "(gradient)" entries for trainable
   * parameters whose last gradient does; empty when everything is finite.
   */
  public List<String> nonFiniteState() {
    List<String> values = new ArrayList<>();
    List<String> gradients = new ArrayList<>();
    for (var e : block.getParameters()) {
      NDArray a = e.getValue().getArray();
      if (!finite(a)) {
        values.add(e.getKey());
      }
      if (e.getValue().requiresGradient() && a.hasGradient() && !finite(a.getGradient())) {
        gradients.add(e.getKey() + " (gradient)");
      }
    }
    values.addAll(gradients);
    return values;
  }

  private static boolean finite(NDArray a) {
    try (NDScope scope = new NDScope()) {
      return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
    }
  }

  /** The parameters that gradients update, with their ids. */
  public List<Parameter> trainableParameters() {
    return block.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
  }

  /**
   * Sets every trainable parameter's gradient to zero. DJL's PyTorch gradient collector
   * accumulates into the gradients and never clears them itself, so every backward pass whose
   * parameter gradients are used must start from here.
   */
  public void zeroGradients() {
    for (Parameter p : trainableParameters()) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }

  /** Inference-mode logits [N, classes] for host inputs, in batches of {@code batch}. */
  public float[][] logits(FloatTensor inputs, int batch) {
    int n = inputs.batchSize();
    float[][] out = new float[n][];
    for (int from = 0; from < n; from += batch) {
      int to = Math.min(n, from + batch);
      try (NDManager sub = manager.newSubManager()) {
        FloatTensor part = inputs.slice(from, to);
        NDArray x = sub.create(part.data(), new Shape(part.shape()));
        NDArray z = forward(x, false);
        float[] flat = z.toType(DataType.FLOAT32, false).toFloatArray();
        int c = (int) z.getShape().get(1);
        for (int i = 0; i < to - from; i++) {
          out[from + i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
