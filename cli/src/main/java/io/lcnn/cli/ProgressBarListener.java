package io.lcnn.cli;

import io.lcnn.auditor.audit.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Draws audit progress on stderr with the me.tongfei progress bar: one bar for the samples of the
 * split and, when attacks run, one bar per attack in steps (oracle calls on one batch). The bars
 * use the library's console consumer, which keeps several bars on their own lines on an ANSI
 * terminal.
 */
final class ProgressBarListener implements ProgressListener {
  private ProgressBar bar;
  private final Map<String, ProgressBar> attackBars = new LinkedHashMap<>();

  /** Bars on stderr when it is a terminal, else no output at all. */
  static ProgressListener forConsole() {
    return System.console() != null ? new ProgressBarListener() : ProgressListener.NONE;
  }

  @Override
  public synchronized void start(String split, int samples) {
    bar = bar("audit " + split, samples, " samples");
  }

  @Override
  public synchronized void advance(int samples) {
    if (bar != null) {
      bar.stepBy(samples);
    }
  }

  @Override
  public synchronized void startAttacks(Map<String, Long> steps) {
    steps.forEach((attack, total) -> attackBars.put(attack, bar("attack " + attack, total, " steps")));
  }

  @Override
  public synchronized void advanceAttack(String attack, int steps) {
    ProgressBar b = attackBars.get(attack);
    if (b != null) {
      b.stepBy(steps);
    }
  }

  @Override
  public synchronized void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    attackBars.values().forEach(ProgressBar::close);
    attackBars.clear();
  }

  /** A bar on stderr of {@code max} units ({@code -1}: of unknown length). */
  private static ProgressBar bar(String task, long max, String unit) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(unit, 1)
        .setStyle(ProgressBarStyle.ASCII).build();
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
        bar = bar(task, -1, unit);
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
