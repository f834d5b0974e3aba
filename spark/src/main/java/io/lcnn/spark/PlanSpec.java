package io.lcnn.spark;

import io.lcnn.auditor.attack.InputRange;
import io.lcnn.auditor.attack.RobustnessSettings;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.audit.AuditPlan;
import java.io.Serializable;

/**
 * An {@link AuditPlan} in the form that crosses the wire to Spark executors: the options
 * (serializable) and what the driver resolved, from which each task rebuilds the same plan.
 *
 * @param options the audit's options
 * @param inputRange the resolved input range {lo, hi} of the robustness probes, or null when none run
 * @param hvpStep the finite-difference HVP step in use (0: exact)
 * @param keepGradients whether shards return the test split's input gradients
 */
public record PlanSpec(AuditOptions options, double[] inputRange, double hvpStep, boolean keepGradients)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The form of {@code plan}. */
  public static PlanSpec of(AuditPlan plan) {
    RobustnessSettings r = plan.robustness();
    return new PlanSpec(plan.options(), r == null ? null : r.inputRange().toArray(), plan.hvpStep(), plan.keepGradients());
  }

  /**
   * The plan on an executor: the driver's, with ONNX Runtime's intra-op threads and device set
   * for the task (neither changes a sample's figures on the CPU).
   *
   * @param threads intra-op threads (spark.task.cpus)
   * @param device {@code cpu}, {@code cuda} or {@code auto}
   */
  public AuditPlan plan(int threads, String device) {
    AuditOptions o = options.with(AuditOptions.THREADS, threads).with(AuditOptions.DEVICE, device);
    RobustnessSettings r = inputRange == null ? null : o.robustness().withInputRange(new InputRange(inputRange[0], inputRange[1]));
    return new AuditPlan(o, r, hvpStep, keepGradients);
  }
}
