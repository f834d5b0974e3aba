package io.lcnn.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * One optimizer step of a recipe on one batch: builds the recipe's loss (mean cross-entropy, the
 * LCNN penalty for LCNN builds, and GradReg / CURE / adversarial inputs), back-propagates it
 * with first-order passes only, and applies {@link MomentumSgd}. A non-finite loss skips the
 * update and is reported to the caller.
 */
public final class TrainingStep {
  private final Network net;
  private final TrainConfig cfg;
  private final MomentumSgd optimizer;
  private final StepProfile profile;

  /** Steps for {@code net} under {@code cfg}, keeping optimizer state in {@code stateManager}. */
  public TrainingStep(Network net, TrainConfig cfg, NDManager stateManager) {
    this(net, cfg, stateManager, StepProfile.NONE);
  }

  /** Steps that add the time of each phase to {@code profile}. */
  public TrainingStep(Network net, TrainConfig cfg, NDManager stateManager, StepProfile profile) {
    this.net = net;
    this.cfg = cfg;
    this.optimizer = new MomentumSgd(stateManager, cfg.momentum(), cfg.weightDecay());
    this.profile = profile;
  }

  /** What one step measured. */
  public record Result(double loss, double crossEntropy, double penalty, int correct, int count) {}

  /** Runs one step on inputs x [B, C, H, W] and int64 labels y [B] with learning rate lr. */
  public Result run(NDArray x, NDArray y, double lr) {
    Recipe.Regularizer reg = cfg.recipe().regularizer();
    long t = System.nanoTime();
    NDArray input = x;
    if (reg == Recipe.Regularizer.ADVERSARIAL) {
      input = Pgd.attack(net, x, y, cfg.pgdEpsilon(), cfg.pgdSteps());
      t = profile.lap("pgd inputs", t);
    }
    NDArray g = null;
    NDArray shifted = null;
    NDArray delta = null;
    if (reg == Recipe.Regularizer.GRADREG) {
      g = InputGradients.of(net, x, y, CrossEntropy::mean);
    } else if (reg == Recipe.Regularizer.CURE) {
      NDArray g0 = InputGradients.of(net, x, y, CrossEntropy::sum);
      shifted = x.add(Penalties.cureShift(g0, cfg.cureStep()));
      delta = InputGradients.of(net, shifted, y, CrossEntropy::sum).sub(g0);
    }
    if (g != null || delta != null) {
      t = profile.lap("input gradients", t);
    }
    NDArray logits;
    double lossValue;
    double ceValue;
    net.zeroGradients();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      logits = net.forward(input, true);
      NDArray ce = CrossEntropy.mean(logits, y);
      NDArray loss = ce;
      if (cfg.recipe().lcnn()) {
        loss = loss.add(Penalties.lcnn(net, cfg.lambdaBeta(), cfg.lambdaGamma(), x.getManager()));
      }
      t = profile.lap("forward", t);
      if (reg == Recipe.Regularizer.GRADREG) {
        loss = loss.add(Penalties.gradReg(net, x, y, g, cfg.lambdaGrad(), cfg.fdStep()));
        t = profile.lap("penalty forwards", t);
      } else if (reg == Recipe.Regularizer.CURE) {
        loss = loss.add(Penalties.cure(net, x, shifted, y, delta, cfg.lambdaCure(), cfg.fdStep()));
        t = profile.lap("penalty forwards", t);
      }
      lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
      ceValue = ce.toType(DataType.FLOAT64, false).getDouble();
      if (!Double.isFinite(lossValue)) {
        return new Result(lossValue, ceValue, lossValue - ceValue, 0, (int) x.getShape().get(0));
      }
      t = profile.lap("read-back", t);
      gc.backward(loss);
      t = profile.lap("backward", t);
    }
    optimizer.step(net.trainableParameters(), lr);
    t = profile.lap("optimizer", t);
    int correct = (int) logits.argMax(1).toType(DataType.INT64, false).eq(y).sum().getLong();
    profile.lap("read-back", t);
    return new Result(lossValue, ceValue, lossValue - ceValue, correct, (int) x.getShape().get(0));
  }
}
