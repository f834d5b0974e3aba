package io.lcnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.PgdL2;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libtorch PGD used in the throughput comparison is the same attack as the auditor's: from
 * the clean inputs (no random start, so both are deterministic) they break the same samples.
 */
class TorchPgdL2Test {
  @TempDir Path dir;

  @Test
  void libtorchPgdBreaksTheSameSamplesAsTheAuditorsPgd() {
    TrainedModel model = TrainedModel.train(ModelFamily.SMALL_CNN, Recipe.LCNN, 0.25, 30, dir);
    FloatTensor x = model.test().inputs();
    int[] y = model.test().labels();
    OnnxModelFile onnx = OnnxModelFile.load(model.onnx());
    try (ExactOracles exact = ExactOracles.create(onnx, OrtRuntime.cpu(1), OutputKind.detect(onnx));
        Network net = model.network()) {
      TorchAutograd torch = new TorchAutograd(net, DataType.FLOAT32);
      // 30 training steps give 100% clean accuracy on the synthetic test set; ε = 1.0 and 1.5
      // break a minority and a majority of it.
      for (double eps : new double[] {1.0, 1.5}) {
        boolean[] auditor = new PgdL2(10, 2.5, 1, false, 0, InputRange.UNIT).run(exact.gradient(), x, y, eps, io.lcnn.auditor.attack.Attack.consecutive(0, x.batchSize()), n -> { }).broken();
        boolean[] libtorch = new TorchPgdL2(10, 2.5, 1, false, 0, InputRange.UNIT).run(torch, x, y, eps);
        int both = 0;
        int differ = 0;
        for (int i = 0; i < auditor.length; i++) {
          both += auditor[i] ? 1 : 0;
          differ += auditor[i] != libtorch[i] ? 1 : 0;
        }
        // The model is accurate on clean inputs; these radii break some samples but not all, so
        // agreeing masks say something about the attack rather than about the model.
        assertTrue(both >= 10 && both <= 90, "eps " + eps + ": the auditor broke " + both + " of 100");
        assertTrue(differ <= 2, "eps " + eps + ": broken masks differ in " + differ + " samples");
      }
    }
  }
}
