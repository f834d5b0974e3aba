package io.lcnn.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.lcnn.datasets.LabeledData;
import io.lcnn.trainer.layers.Constant;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parameter gradient a whole training step accumulates (cross-entropy, LCNN penalty and the
 * GradReg or CURE penalty, with the input gradient taken from the step's own backward pass) equals
 * the gradient of the same total loss formed with exact double backprop, in float64.
 */
class TrainingStepGradientTest {
  private static Network float64Network(Recipe recipe) {
    Network net = Network.create(new ModelSpec(ModelFamily.SMALL_CNN, recipe.lcnn(), recipe.activationBeta(), 0.125,
        1, 28, 28, 10));
    net.block().getParameters().values().forEach(p -> p.getArray().intern(p.getArray().toType(DataType.FLOAT64, true)));
    for (Parameter p : net.trainableParameters()) {
      p.getArray().setRequiresGradient(true);
    }
    return net;
  }

  /** Relative error of the step's accumulated gradient against exact double backprop of the same loss. */
  private static void assertStepGradientExact(Recipe recipe) {
    Engine.getInstance().setRandomSeed(11);
    // A tiny difference step: in float64 the central differences' own O(h²) error then vanishes,
    // and what remains is any error of how the step assembles its passes.
    TrainConfig d = TrainConfig.defaults(recipe, ModelFamily.SMALL_CNN).withSize(1, 8, 0, 0.125);
    TrainConfig cfg = new TrainConfig(d.recipe(), d.family(), d.width(), d.epochs(), d.batchSize(), d.learningRate(),
        d.momentum(), d.weightDecay(), d.lrMilestones(), d.lrDecay(), d.lambdaBeta(), d.lambdaGamma(), d.lambdaGrad(),
        d.lambdaCure(), d.cureStep(), 1e-6, d.pgdEpsilon(), d.pgdSteps(), d.augment(), d.maxStepsPerEpoch(), d.seed());
    try (Network net = float64Network(recipe); NDManager state = NDManager.newBaseManager();
        NDScope scope = new NDScope()) {
      LabeledData data = SyntheticData.make(8, 10, 1, 28, 9);
      NDArray x = net.manager().create(data.inputs().data(), new Shape(data.inputs().shape())).toType(DataType.FLOAT64, false);
      NDArray y = net.manager().create(new long[] {0, 1, 2, 3, 4, 5, 6, 7});
      List<Parameter> ps = net.trainableParameters();
      TrainingStep.Result r = new TrainingStep(net, cfg, state).accumulateGradients(x, y);
      double[] step = ParameterGradients.of(ps);

      NDArray g0 = InputGradients.of(net, x, y, CrossEntropy::sum);
      NDArray shifted = x.add(Penalties.cureShift(g0, cfg.cureStep()));
      double exactValue;
      double[] exactGrad;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = CrossEntropy.mean(net.forwardFrozen(x), y);
        if (recipe.lcnn()) {
          loss = loss.add(Penalties.lcnn(net, cfg.lambdaBeta(), cfg.lambdaGamma(), x.getManager()));
        }
        if (recipe.regularizer() == Recipe.Regularizer.GRADREG) {
          NDArray gx = ParameterGradients.differentiableInputGradient(net, x, y, CrossEntropy::mean);
          loss = loss.add(gx.square().sum().mul(Constant.of(gx, cfg.lambdaGrad() * 1e5 / 8)));
        } else {
          NDArray delta = ParameterGradients.differentiableInputGradient(net, shifted, y, CrossEntropy::sum)
              .sub(ParameterGradients.differentiableInputGradient(net, x, y, CrossEntropy::sum));
          loss = loss.add(delta.square().sum().mul(Constant.of(delta, cfg.lambdaCure() / 8)));
        }
        exactValue = loss.getDouble();
        exactGrad = ParameterGradients.ofScalar(ps, loss);
      }
      assertEquals(exactValue, r.loss(), 1e-6 * exactValue, "loss value");
      assertTrue(r.penalty() > 1e-3 * r.crossEntropy(), "the penalty is not negligible: " + r);
      double rel = ParameterGradients.relativeError(step, exactGrad);
      assertTrue(rel < 1e-4, recipe.id() + ": relative error of the step's parameter gradient " + rel);
    }
  }

  @Test
  void lcnnGradRegStepGradientMatchesExactDoubleBackprop() {
    assertStepGradientExact(Recipe.LCNN_GRADREG);
  }

  @Test
  void gradRegStepGradientMatchesExactDoubleBackprop() {
    assertStepGradientExact(Recipe.GRADREG);
  }

  @Test
  void cureStepGradientMatchesExactDoubleBackprop() {
    assertStepGradientExact(Recipe.CURE);
  }
}
