package io.lcnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster on 127.0.0.1 started by the test ({@code local-cluster[2,1,1024]}:
 * Spark's own Master and two Workers, each Worker launching its executor as a separate JVM);
 * when the audit's first task starts, that executor's JVM is killed with SIGKILL. The job
 * finishes (the lost tasks run again on the surviving or a relaunched executor) and its
 * audit.json equals the local audit's apart from the time and engine fields.
 */
class ClusterExecutorKillTest {
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void anExecutorKilledMidJobLeavesTheAuditUnchanged(@TempDir Path dir) throws Exception {
    Path local = dir.resolve("local");
    assertEquals(0, Main.run(Fixture.audit(local, "--workers", "2")));

    String master = "local-cluster[2,1,1024]";
    SparkConf conf = new SparkConf().setMaster(master).setAppName("lcnn executor-kill test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.executor.memory", "768m")
        // executors are launched by the in-process Workers: give them this JVM's class path (lcnn and Spark), and tell
        // Spark's command builder not to look for a Spark distribution's jars folder
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executorEnv.SPARK_TESTING", "1").set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
    SparkContext sc = new SparkContext(conf);
    AtomicReference<String> killed = new AtomicReference<>();
    List<String> lostTasks = new CopyOnWriteArrayList<>();
    List<String> removed = new CopyOnWriteArrayList<>();
    try {
      sc.addSparkListener(new SparkListener() {
        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
          String executor = start.taskInfo().executorId();
          if (killed.compareAndSet(null, executor)) {
            Optional<ProcessHandle> jvm = executorJvm(executor);
            jvm.ifPresent(ProcessHandle::destroyForcibly);
            if (jvm.isEmpty()) {
              killed.set("not found: " + executor);
            }
          }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (!end.taskInfo().successful()) {
            lostTasks.add(end.taskInfo().executorId() + ": " + end.reason());
          }
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
          removed.add(e.executorId() + ": " + e.reason());
        }
      });
      Path spark = dir.resolve("spark");
      assertEquals(0, Main.run(Fixture.audit(spark, "--spark", master)));

      System.out.println("killed executor " + killed.get() + "; removed: " + removed + "; tasks lost: " + lostTasks);
      assertNotNull(killed.get());
      assertTrue(!killed.get().startsWith("not found"), "the first task's executor JVM was found: " + killed.get());
      assertTrue(removed.stream().anyMatch(r -> r.startsWith(killed.get() + ":")),
          "executor " + killed.get() + " was lost; removed: " + removed);
      assertTrue(!lostTasks.isEmpty(), "a running task was lost with the executor and ran again");
      assertEquals(Fixture.comparable(local), Fixture.comparable(spark), "audit.json apart from time and engine");
      JsonNode engine = AuditJson.mapper().readTree(spark.resolve("audit.json").toFile()).get("provenance").get("engine");
      assertEquals("spark", engine.get("kind").asText());
    } finally {
      sc.stop();
    }
  }

  /**
   * The executor JVM a Worker of this JVM launched for {@code executorId}, found by its command line in
   * {@code /proc} (ProcessHandle.Info cuts long command lines, and an executor's class path is long).
   */
  private static Optional<ProcessHandle> executorJvm(String executorId) {
    return ProcessHandle.current().descendants().filter(p -> {
      List<String> args;
      try {
        args = List.of(new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
            StandardCharsets.UTF_8).split("\0"));
      } catch (IOException e) {
        return false;
      }
      int at = args.indexOf("--executor-id");
      return args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && at >= 0 && at + 1 < args.size()
          && args.get(at + 1).equals(executorId);
    }).findFirst();
  }
}
