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
 *
 * <p>GradReg and CURE need the input gradient of the cross-entropy at the clean batch before
 * their penalty can be formed; the step's own forward and backward pass yields it (the batch
 * requires a gradient), so no separate pass is spent on it. The penalty's parameter gradient is
 * then accumulated by a second backward pass onto the cross-entropy's.
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

  /** Adds the time since {@code startNanos} to {@code phase} of this step's profile. */
  void profileLap(String phase, long startNanos) {
    profile.lap(phase, startNanos);
  }

  /** What one step measured. */
  public record Result(double loss, double crossEntropy, double penalty, int correct, int count) {}

  /** Runs one step on inputs x [B, C, H, W] and int64 labels y [B] with learning rate lr. */
  public Result run(NDArray x, NDArray y, double lr) {
    Result r = accumulateGradients(x, y);
    if (Double.isFinite(r.loss())) {
      long t = System.nanoTime();
      optimizer.step(net.trainableParameters(), lr);
      profile.lap("optimizer", t);
    }
    return r;
  }

  /**
   * Sets every trainable parameter's gradient to that of the recipe's loss on (x, y), without
   * updating the parameters (state such as running statistics and power iterations advances as in
   * {@link #run}). The result's loss is not finite when the gradients must not be used.
   */
  public Result accumulateGradients(NDArray x, NDArray y) {
    Recipe.Regularizer reg = cfg.recipe().regularizer();
    int count = (int) x.getShape().get(0);
    long t = System.nanoTime();
    NDArray input = x;
    if (reg == Recipe.Regularizer.ADVERSARIAL) {
      input = Pgd.attack(net, x, y, cfg.pgdEpsilon(), cfg.pgdSteps());
      t = profile.lap("pgd inputs", t);
    }
    boolean penaltyPass = reg == Recipe.Regularizer.GRADREG || reg == Recipe.Regularizer.CURE;
    if (penaltyPass) {
      input = x.stopGradient().duplicate();
      input.setRequiresGradient(true);
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
      lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
      ceValue = ce.toType(DataType.FLOAT64, false).getDouble();
      t = profile.lap("read-back", t);
      if (!Double.isFinite(lossValue)) {
        return new Result(lossValue, ceValue, lossValue - ceValue, 0, count);
      }
      gc.backward(loss);
      t = profile.lap("backward", t);
    }
    int correct = (int) logits.argMax(1).toType(DataType.INT64, false).eq(y).sum().getLong();
    if (penaltyPass) {
      NDArray g = input.getGradient().duplicate();
      lossValue += reg == Recipe.Regularizer.GRADREG ? gradRegPass(x, y, g) : curePass(x, y, g.mul(count));
    } else {
      profile.lap("read-back", t);
    }
    return new Result(lossValue, ceValue, lossValue - ceValue, correct, count);
  }

  /** Accumulates GradReg's parameter gradient; returns its value. g = ∂(mean CE)/∂x. */
  private double gradRegPass(NDArray x, NDArray y, NDArray g) {
    return penaltyBackward(() -> Penalties.gradReg(net, x, y, g, cfg.lambdaGrad(), cfg.fdStep()));
  }

  /** Accumulates CURE's parameter gradient; returns its value. g0 = ∇ₓ(summed CE), per sample. */
  private double curePass(NDArray x, NDArray y, NDArray g0) {
    long t = System.nanoTime();
    NDArray shifted = x.add(Penalties.cureShift(g0, cfg.cureStep()));
    NDArray delta = InputGradients.of(net, shifted, y, CrossEntropy::sum).sub(g0);
    profile.lap("input gradients", t);
    return penaltyBackward(() -> Penalties.cure(net, x, shifted, y, delta, cfg.lambdaCure(), cfg.fdStep()));
  }

  /**
   * Forms a penalty under its own gradient collector and back-propagates it, adding its parameter
   * gradient to the ones already there; returns its value (not back-propagated when not finite).
   */
  private double penaltyBackward(java.util.function.Supplier<NDArray> penalty) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      long t = System.nanoTime();
      NDArray p = penalty.get();
      t = profile.lap("penalty forwards", t);
      double value = p.toType(DataType.FLOAT64, false).getDouble();
      if (Double.isFinite(value)) {
        gc.backward(p);
        profile.lap("penalty backward", t);
      }
      return value;
    }
  }
}
