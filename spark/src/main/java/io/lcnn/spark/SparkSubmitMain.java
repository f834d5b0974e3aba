package io.lcnn.spark;

import io.lcnn.cli.Main;
import java.util.ArrayList;
import java.util.List;

/**
 * Main class of the spark-submit jar ({@code spark/target/lcnn-spark-all.jar}): runs
 * {@code lcnn audit} with the given flags (the word {@code audit} may be left out) as a Spark
 * job on the master spark-submit chose ({@code spark.master}) unless {@code --spark} names one.
 * Exits with the audit's exit code (0 ok, 1 gate failed, 2 bad input, 3 internal error).
 */
public final class SparkSubmitMain {
  private SparkSubmitMain() {}

  /** Runs the audit and exits with its code. */
  public static void main(String[] args) {
    System.exit(Main.run(arguments(args, System.getProperty("spark.master"))));
  }

  /** The lcnn command line for {@code args}: {@code audit} first, {@code --spark master} added when absent. */
  static String[] arguments(String[] args, String master) {
    List<String> a = new ArrayList<>(List.of(args));
    if (a.isEmpty() || !a.get(0).equals("audit")) {
      a.add(0, "audit");
    }
    boolean named = a.stream().anyMatch(x -> x.equals("--spark") || x.startsWith("--spark="));
    if (!named && master != null) {
      a.add("--spark");
      a.add(master);
    }
    return a.toArray(String[]::new);
  }
}
