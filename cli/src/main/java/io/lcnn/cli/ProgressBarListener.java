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
}
