package io.lcnn.trainer.train;

import io.lcnn.trainer.model.ModelFamily;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The training process {@link CheckpointKillTest} kills: a JVM of its own that trains a tiny LCNN
 * small CNN on synthetic data into a checkpoint folder and prints a line at each stage of every
 * save ("stage N NAME"), so that the test can kill it at a chosen point.
 *
 * <p>Arguments: {@code DIR EPOCHS PAUSE_STAGE PAUSE_AT_SAVE SIGNALS}: after the save number
 * {@code PAUSE_AT_SAVE} (1-based) reaches {@code PAUSE_STAGE} the process prints the line and then
 * waits forever ("-" never pauses); {@code SIGNALS} "yes" installs the SIGINT/SIGTERM stop and
 * exits with its status. Exit 0 after a full run.
 */
public final class CheckpointKillProbe {
  private CheckpointKillProbe() {}

  /** Runs the probe (see the class comment). */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int epochs = Integer.parseInt(args[1]);
    String pauseStage = args[2];
    int pauseAtSave = Integer.parseInt(args[3]);
    boolean signals = args[4].equals("yes");
    PrintStream out = System.out;
    int[] saves = {1};
    Checkpoint.stageHook = stage -> {
      out.println("stage " + saves[0] + " " + stage);
      out.flush();
      if (stage.equals(pauseStage) && saves[0] == pauseAtSave) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (stage.equals("done")) {
        saves[0]++;
      }
    };
    TrainConfig cfg = TrainConfig.defaults(Recipe.LCNN, ModelFamily.SMALL_CNN).withSize(epochs, 20, 0, 0.25);
    StopRequest stop = signals ? StopRequest.onSignals() : StopRequest.NEVER;
    out.println("ready");
    out.flush();
    try {
      new TrainingRun(cfg, SyntheticData.mnistLike(200), dir, out, false, stop).run(null);
    } catch (TrainingStoppedException e) {
      out.println("stopped: " + e.getMessage());
      out.flush();
      System.exit(e.exitCode());
    }
    System.exit(0);
  }
}
