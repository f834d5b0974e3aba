package io.lcnn.cli;

import io.lcnn.auditor.audit.ProgressListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Draws audit progress (samples per split) on stderr with the me.tongfei progress bar. */
final class ProgressBarListener implements ProgressListener {
  private ProgressBar bar;

  /** A bar on stderr when it is a terminal, else no output at all. */
  static ProgressListener forConsole() {
    return System.console() != null ? new ProgressBarListener() : ProgressListener.NONE;
  }

  @Override
  public void start(String split, int samples) {
    bar = new ProgressBarBuilder()
        .setTaskName("audit " + split)
        .setInitialMax(samples)
        .setUnit(" samples", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }

  @Override
  public void advance(int samples) {
    if (bar != null) {
      bar.stepBy(samples);
    }
  }

  @Override
  public void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** A bar of unknown length for work counted in units (e.g. oracle calls), started at the first step. */
  static Counter counter(String task, String unit) {
    return new Counter(task, unit, System.console() != null);
  }

  /** Counts units of work on a lazily started progress bar; silent when not on a terminal. */
  static final class Counter {
    private final String task;
    private final String unit;
    private final boolean draw;
    private ProgressBar bar;

    private Counter(String task, String unit, boolean draw) {
      this.task = task;
      this.unit = unit;
      this.draw = draw;
    }

    /** {@code n} more units are done. */
    void advance(int n) {
      if (!draw) {
        return;
      }
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUnit(unit, 1)
            .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
      }
      bar.stepBy(n);
    }

    /** Closes the bar, if one was drawn. */
    void finish() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
