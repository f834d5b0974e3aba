package io.lcnn.auditor.zoo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The committed expectations of the zoo test ({@code fixtures/zoo/expectations.txt}): one line
 * per model, {@code pass NAME} for a model that must pass, {@code fail NAME REASON} for a known
 * failure and why; {@code #} starts a comment.
 */
record ZooExpectations(Map<String, String> knownFailures, Map<String, Boolean> mustPass) {
  static ZooExpectations read(Path file) {
    Map<String, String> fail = new LinkedHashMap<>();
    Map<String, Boolean> pass = new LinkedHashMap<>();
    try {
      int no = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        no++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] p = t.split("\\s+", 3);
        if (p[0].equals("pass") && p.length == 2) {
          pass.put(p[1], true);
        } else if (p[0].equals("fail") && p.length == 3) {
          fail.put(p[1], p[2]);
        } else {
          throw new IllegalArgumentException(file + " line " + no + ": expected 'pass NAME' or 'fail NAME REASON', got '" + t + "'");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ZooExpectations(fail, pass);
  }

  boolean listed(String name) {
    return mustPass.containsKey(name) || knownFailures.containsKey(name);
  }

  /** The expectation line that describes {@code r} as it is now. */
  static String lineFor(ZooResult r) {
    return r.passed() ? "pass " + r.entry().name()
        : "fail " + r.entry().name() + " " + r.verdict() + (r.detail().isEmpty() ? "" : ": "
            + r.detail().replace('\n', ' '));
  }
}
