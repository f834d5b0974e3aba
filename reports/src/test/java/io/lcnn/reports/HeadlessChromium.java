package io.lcnn.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code /usr/bin/chromium} headless with networking disabled (proxy to a closed
 * port, no background networking) on a local HTML file: the DOM after load, stderr (console
 * messages with {@code --enable-logging=stderr}), and screenshots.
 */
final class HeadlessChromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  /** What one run printed. */
  record Run(String stdout, String stderr) {}

  private HeadlessChromium() {}

  /**
   * Console output and script errors Chromium logged ({@code INFO:CONSOLE:<line>} entries, and any
   * "Uncaught" or "Refused to" line); the report itself never writes to the console.
   */
  static List<String> consoleLines(Run run) {
    return run.stderr().lines()
        .filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("Refused to"))
        .toList();
  }

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** The serialized DOM after load (scripts have run). */
  static Run dumpDom(Path html, Path profile) throws IOException, InterruptedException {
    return run(profile, List.of("--dump-dom", "--virtual-time-budget=3000"), html);
  }

  /** A PNG screenshot of the page at the given window size. */
  static Run screenshot(Path html, Path png, Path profile, int width, int height) throws IOException, InterruptedException {
    return run(profile, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars", "--virtual-time-budget=3000"), html);
  }

  private static Run run(Path profile, List<String> extra, Path html) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-default-apps", "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>", "--enable-logging=stderr", "--v=0",
        "--user-data-dir=" + profile.toAbsolutePath()));
    cmd.addAll(extra);
    cmd.add(html.toAbsolutePath().toUri().toString());
    Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish within 90 s");
    }
    return new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
