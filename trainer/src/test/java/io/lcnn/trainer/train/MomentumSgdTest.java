package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MomentumSgdTest {
  private static final float[] W0 = {1f, -2f, 0.5f};
  private static final float[] C = {0.3f, 0.1f, -0.2f};

  /** Sets the gradient of w to C, the gradient of Σ C·w. */
  private static void gradient(NDArray w, NDManager m) {
    w.getGradient().subi(w.getGradient());
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(m.create(C)).sum());
    }
  }

  private static float[] twoSteps(boolean gradModeOnBefore) {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      Parameter p = Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build();
      NDArray w = m.create(W0.clone());
      w.setRequiresGradient(true);
      p.setArray(w);
      MomentumSgd sgd = new MomentumSgd(state, 0.9, 0.01);
      for (int i = 0; i < 2; i++) {
        gradient(w, m);
        JniUtils.setGradMode(gradModeOnBefore);
        sgd.step(List.of(p), 0.1);
        assertEquals(gradModeOnBefore, JniUtils.isGradMode(), "the caller's grad mode is restored");
        JniUtils.setGradMode(false);
      }
      return w.toFloatArray();
    }
  }

  @Test
  void twoStepsMatchTorchSgdWithMomentumAndWeightDecay() {
    double[] expected = new double[W0.length];
    for (int i = 0; i < W0.length; i++) {
      double w = W0[i];
      double buf = C[i] + 0.01 * w;
      w -= 0.1 * buf;
      buf = 0.9 * buf + C[i] + 0.01 * w;
      w -= 0.1 * buf;
      expected[i] = w;
    }
    float[] got = twoSteps(false);
    for (int i = 0; i < W0.length; i++) {
      assertEquals(expected[i], got[i], 1e-6, "element " + i);
    }
  }

  @Test
  void updatesOnAThreadWhoseGradModeIsOn() throws InterruptedException {
    // DJL turns libtorch's thread-local grad mode off only on the thread that started the engine;
    // on any other thread an in-place update of a parameter that requires a gradient would throw.
    float[] reference = twoSteps(false);
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        result.set(twoSteps(true));
      } catch (RuntimeException e) {
        result.set(e);
      }
    });
    t.start();
    t.join();
    assertFalse(result.get() instanceof RuntimeException, String.valueOf(result.get()));
    assertArrayEquals(reference, (float[]) result.get());
  }
}
