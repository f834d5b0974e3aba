package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.LipschitzBatchNorm;
import io.lcnn.trainer.model.Blocks;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PenaltiesTest {
  @Test
  void lcnnPenaltyIsLambdaBetaSumOfBetasPlusLambdaGammaSumOfAbsLogGammas() {
    ModelSpec spec = new ModelSpec(ModelFamily.SMALL_CNN, true, 0, 0.125, 1, 28, 28, 10);
    try (Network net = Network.create(spec); NDManager m = NDManager.newBaseManager()) {
      List<CenteredSoftplus> acts = Blocks.ofType(net.block(), CenteredSoftplus.class);
      List<LipschitzBatchNorm> norms = Blocks.ofType(net.block(), LipschitzBatchNorm.class);
      assertEquals(3, acts.size());
      assertEquals(3, norms.size());
      double[] betas = {0.5, 3.0, 40.0};
      double[] gammas = {0.25, 1.0, 12.0};
      double expected = 0;
      for (int i = 0; i < 3; i++) {
        acts.get(i).logBetaParameter().getArray().set(new float[] {(float) Math.log(betas[i] - 1e-3)});
        norms.get(i).logGammaParameter().getArray().set(new float[] {(float) Math.log(gammas[i])});
        expected += 0.01 * betas[i] + 0.02 * Math.abs(Math.log(gammas[i]));
      }
      double got = Penalties.lcnn(net, 0.01, 0.02, m).getFloat();
      assertEquals(expected, got, 1e-5 * expected);
    }
  }

  @Test
  void standardBuildHasNoLcnnPenalty() {
    ModelSpec spec = new ModelSpec(ModelFamily.SMALL_CNN, false, 1000, 0.125, 1, 28, 28, 10);
    try (Network net = Network.create(spec); NDManager m = NDManager.newBaseManager()) {
      assertEquals(0.0, Penalties.lcnn(net, 0.01, 0.01, m).getFloat());
    }
  }
}
