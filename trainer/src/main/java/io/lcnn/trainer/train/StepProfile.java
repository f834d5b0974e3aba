package io.lcnn.trainer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock seconds spent in each phase of training steps (data, input-gradient passes, forward,
 * penalty forwards, backward, optimizer, read-back), summed over the steps it saw. libtorch runs
 * CPU operations synchronously, so a phase's time is the time of the operations issued in it.
 * {@link #NONE} records nothing.
 */
public class StepProfile {
  /** A profile that records nothing (the default of a training step). */
  public static final StepProfile NONE = new StepProfile() {
    @Override
    public void add(String phase, long nanos) {}
  };

  private final Map<String, Long> nanos = new LinkedHashMap<>();
  private int steps;

  /** Adds {@code nanos} nanoseconds to {@code phase}. */
  public void add(String phase, long nanos) {
    this.nanos.merge(phase, nanos, Long::sum);
  }

  /** Adds the time since {@code startNanos} to {@code phase} and returns the current time. */
  public long lap(String phase, long startNanos) {
    long now = System.nanoTime();
    add(phase, now - startNanos);
    return now;
  }

  /** Counts one profiled step. */
  public void countStep() {
    steps++;
  }

  /** Mean seconds per step of each phase, in the order the phases first occurred. */
  public Map<String, Double> secondsPerStep() {
    Map<String, Double> out = new LinkedHashMap<>();
    nanos.forEach((k, v) -> out.put(k, v / 1e9 / Math.max(1, steps)));
    return out;
  }
}
