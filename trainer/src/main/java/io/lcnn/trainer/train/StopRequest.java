package io.lcnn.trainer.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop a training at its next step boundary, set by SIGINT or SIGTERM once
 * {@link #onSignals} has installed its handlers. The handlers only set a flag: the training thread
 * finishes its step, writes a checkpoint and returns, so no JVM shutdown hook runs while libtorch
 * is still computing (which crashed the JVM in libtorch before). {@link #close} puts the previous
 * handlers back, so that outside the training the signals act as usual again.
 */
public final class StopRequest implements AutoCloseable {
  /** A request that never comes (library use, tests). */
  public static final StopRequest NEVER = new StopRequest();

  private final AtomicReference<String> signal = new AtomicReference<>();
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

  private StopRequest() {}

  /**
   * A request set by the first SIGINT or SIGTERM this process receives from now on; later ones are
   * ignored while the training stops.
   */
  public static StopRequest onSignals() {
    StopRequest r = new StopRequest();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal sig = new Signal(name);
      r.previous.put(sig, Signal.handle(sig, s -> r.signal.compareAndSet(null, "SIG" + s.getName())));
    }
    return r;
  }

  /** Puts back the handlers {@link #onSignals} replaced. */
  @Override
  public void close() {
    previous.forEach(Signal::handle);
    previous.clear();
  }

  /** A request already made, as if {@code signalName} (e.g. "SIGTERM") had arrived (tests). */
  public static StopRequest made(String signalName) {
    StopRequest r = new StopRequest();
    r.signal.set(signalName);
    return r;
  }

  /** Whether a stop was requested. */
  public boolean requested() {
    return signal.get() != null;
  }

  /** The signal's name, e.g. "SIGTERM", or null when none came. */
  public String signalName() {
    return signal.get();
  }

  /** The shell's exit status for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM. */
  public int exitCode() {
    return "SIGINT".equals(signal.get()) ? 130 : 143;
  }
}
