package io.lcnn.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum as torch.optim.SGD computes it (buf ← μ·buf + g + wd·w; w ← w − lr·buf), with
 * weight decay skipped for the LCNN scalars log β and log γ. Momentum buffers live in the manager
 * given at construction.
 */
public final class MomentumSgd {
  private final NDManager manager;
  private final double momentum;
  private final double weightDecay;
  private final Map<String, NDArray> buffers = new HashMap<>();

  /** An optimizer whose state is kept in {@code manager}. */
  public MomentumSgd(NDManager manager, double momentum, double weightDecay) {
    this.manager = manager;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /** Whether weight decay applies to a parameter (not to log β or log γ). */
  public static boolean decays(Parameter p) {
    return !p.getName().equals("logBeta") && !p.getName().equals("logGamma");
  }

  /**
   * Applies one update with learning rate {@code lr} from the parameters' current gradients. The
   * in-place updates run with libtorch's (thread-local) grad mode off, whatever the calling thread
   * had: DJL switches it off only on the thread that started the engine.
   */
  public void step(List<Parameter> params, double lr) {
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      update(params, lr);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  private void update(List<Parameter> params, double lr) {
    for (Parameter p : params) {
      NDArray w = p.getArray();
      NDArray g = w.getGradient();
      if (weightDecay != 0 && decays(p)) {
        g = g.add(w.mul(weightDecay));
      }
      NDArray buf = buffers.get(p.getId());
      if (buf == null) {
        buf = g.duplicate();
        buf.attach(manager);
        ai.djl.ndarray.NDScope.unregister(buf);
        buffers.put(p.getId(), buf);
      } else {
        buf.muli(momentum).addi(g);
      }
      w.subi(buf.mul(lr));
    }
  }
}
