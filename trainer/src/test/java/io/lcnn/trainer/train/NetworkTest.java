package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkTest {
  private static List<float[]> state(Network net) {
    List<float[]> out = new ArrayList<>();
    for (Parameter p : net.block().getParameters().values()) {
      out.add(p.getArray().toFloatArray());
    }
    return out;
  }

  private static boolean same(List<float[]> a, List<float[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest(name = "lcnn build: {0}")
  @ValueSource(booleans = {false, true})
  void frozenTrainingPassLeavesEveryParameterAndRunningStatisticUnchanged(boolean lcnn) {
    ModelSpec spec = new ModelSpec(ModelFamily.SMALL_CNN, lcnn, lcnn ? 0 : 1000, 0.125, 1, 28, 28, 10);
    try (Network net = Network.create(spec); NDManager m = NDManager.newBaseManager()) {
      assertEquals(lcnn ? 0 : 6, net.runningStatistics().size());
      NDArray x = m.randomUniform(0f, 1f, new Shape(16, 1, 28, 28));
      List<float[]> before = state(net);
      for (int i = 0; i < 3; i++) {
        net.forwardFrozen(x.add(0.1f * i));
      }
      List<float[]> after = state(net);
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), "parameter " + i);
      }
      net.forward(x, true);
      assertFalse(same(before, state(net)), "an ordinary training pass advances the running state");
    }
  }
}
