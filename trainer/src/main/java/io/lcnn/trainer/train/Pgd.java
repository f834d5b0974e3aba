package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;

/**
 * l2-bounded projected gradient ascent on the cross-entropy (Madry et al.): starting at x, each of
 * {@code steps} steps moves every sample by α·g/‖g‖ (α = 2.5·ε/steps), projects the perturbation
 * onto the l2 ball of radius ε, and clips to the input range [0, 1].
 */
public final class Pgd {
  private Pgd() {}

  /** Adversarial inputs (detached), same shape as x. */
  public static NDArray attack(Network net, NDArray x, NDArray labels, double epsilon, int steps) {
    double alpha = 2.5 * epsilon / steps;
    NDArray adv = x.stopGradient().duplicate();
    for (int s = 0; s < steps; s++) {
      NDArray g = InputGradients.of(net, adv, labels, CrossEntropy::sum);
      NDArray moved = adv.add(g.div(InputGradients.perSampleNorm(g).add(1e-12)).mul(alpha));
      NDArray delta = moved.sub(x);
      NDArray norm = InputGradients.perSampleNorm(delta);
      NDArray factor = norm.maximum(epsilon).pow(-1).mul(epsilon);
      adv = x.add(delta.mul(factor)).clip(0, 1).stopGradient();
    }
    return adv;
  }
}
