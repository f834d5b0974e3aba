package io.lcnn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Main} in a separate JVM on the test class path, for what one JVM cannot show: another
 * working directory, and SIGKILL at a chosen point ({@code -Dlcnn.staging.pause}). Its stdout and
 * stderr go to {@code stdout.txt} and {@code stderr.txt} in a log folder.
 */
final class CliProcess {
  private final Process process;
  private final Path logs;

  private CliProcess(Process process, Path logs) {
    this.process = process;
    this.logs = logs;
  }

  /** The finished run: exit code, stdout and stderr. */
  record Result(int exitCode, String out, String err) {}

  /**
   * Starts {@code lcnn args} in {@code cwd} with the given JVM system properties ("k=v"), logging
   * to the folder {@code logs}.
   */
  static CliProcess start(Path cwd, Path logs, List<String> properties, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    for (String p : properties) {
      cmd.add("-D" + p);
    }
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(logs);
      Process p = new ProcessBuilder(cmd).directory(cwd.toFile())
          .redirectOutput(logs.resolve("stdout.txt").toFile()).redirectError(logs.resolve("stderr.txt").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      return new CliProcess(p, logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code lcnn args} in {@code cwd} to the end (at most two minutes). */
  static Result run(Path cwd, Path logs, String... args) {
    return start(cwd, logs, List.of(), args).await();
  }

  /** Waits for the end (at most two minutes) and returns the result. */
  Result await() {
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("lcnn did not finish in two minutes: " + err());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Result(process.exitValue(), read("stdout.txt"), err());
  }

  /** Waits until stderr holds {@code text} (at most two minutes); fails if the process ends first. */
  void awaitStderr(String text) {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!err().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError("lcnn ended (exit " + process.exitValue() + ") before printing '" + text + "': " + err());
      }
      if (System.nanoTime() > end) {
        process.destroyForcibly();
        throw new AssertionError("lcnn did not print '" + text + "' in two minutes: " + err());
      }
      sleep();
    }
  }

  /** Sends SIGKILL and waits for the process to end. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whether the process is still running. */
  boolean alive() {
    return process.isAlive();
  }

  String err() {
    return read("stderr.txt");
  }

  private String read(String name) {
    try {
      return Files.readString(logs.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
