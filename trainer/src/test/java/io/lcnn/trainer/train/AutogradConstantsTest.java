package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lcnn.datasets.LabeledData;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The constants that backward passes need (the bound 1 of the Lipschitz batch norm's scale, the
 * penalty weights, the finite-difference divisors) must not live in Java memory that a garbage
 * collection frees between the forward and the backward pass ({@link io.lcnn.trainer.layers.Constant}).
 */
class AutogradConstantsTest {
  /** Collects garbage, then fills freshly freed native memory with a non-trivial byte pattern. */
  private static void collectAndOverwriteFreedMemory() {
    System.gc();
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ByteBuffer> junk = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(16);
      while (b.hasRemaining()) {
        b.put((byte) 0x47);
      }
      junk.add(b);
    }
  }

  private static double[] step(Network net, NDArray x, NDArray y, TrainConfig cfg, boolean collect) {
    NDArray g = InputGradients.of(net, x, y, CrossEntropy::mean);
    net.zeroGradients();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ce = CrossEntropy.mean(net.forwardFrozen(x), y);
      NDArray loss = ce.add(Penalties.lcnn(net, cfg.lambdaBeta(), cfg.lambdaGamma(), x.getManager()))
          .add(Penalties.gradReg(net, x, y, g, cfg.lambdaGrad(), cfg.fdStep()));
      if (collect) {
        collectAndOverwriteFreedMemory();
      }
      gc.backward(loss);
    }
    return ParameterGradients.of(net.trainableParameters());
  }

  @Test
  void lcnnGradRegGradientsAreUnchangedByAGarbageCollectionBeforeBackward() {
    Engine.getInstance().setRandomSeed(11);
    TrainConfig cfg = TrainConfig.defaults(Recipe.LCNN_GRADREG, ModelFamily.SMALL_CNN);
    LabeledData d = SyntheticData.make(8, 10, 1, 28, 2);
    try (Network net = Network.create(new ModelSpec(ModelFamily.SMALL_CNN, true, 0, 0.125, 1, 28, 28, 10));
         NDScope scope = new NDScope()) {
      NDArray x = net.manager().create(d.inputs().data(), new Shape(d.inputs().shape()));
      long[] labels = new long[8];
      for (int i = 0; i < 8; i++) {
        labels[i] = d.labels()[i];
      }
      NDArray y = net.manager().create(labels);
      double[] reference = step(net, x, y, cfg, false);
      for (int rep = 0; rep < 20; rep++) {
        try (NDScope inner = new NDScope()) {
          assertArrayEquals(reference, step(net, x, y, cfg, true), "repetition " + rep);
        }
      }
    }
  }
}
