package io.lcnn.spark;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;

/**
 * Registered with {@code -Dspark.extraListeners} by the tests: Spark makes one while it creates
 * a SparkContext, before any job, so {@link #CREATED} counts the contexts started in this JVM and
 * {@link #onCreate} runs at that moment.
 */
public final class ContextProbe extends SparkListener {
  /** SparkContexts created since the count was last reset. */
  static final AtomicInteger CREATED = new AtomicInteger();
  /** What to do when a context is created (e.g. change an input file after the driver validated it), or null. */
  static volatile Consumer<Path> onCreate;
  /** The argument of {@link #onCreate}. */
  static volatile Path target;

  /** Counts the context being created and runs {@link #onCreate}. */
  public ContextProbe() {
    CREATED.incrementAndGet();
    Consumer<Path> c = onCreate;
    if (c != null) {
      c.accept(target);
    }
  }
}
