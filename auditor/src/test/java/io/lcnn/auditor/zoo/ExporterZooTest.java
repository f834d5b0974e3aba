package io.lcnn.auditor.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model of the exporter zoo ({@code fixtures/zoo}, from {@code tools/zoo/make_zoo.py}) on
 * the exact oracles: outputs within 1e-4, gradients and H·probe within 1e-3 relative of float64
 * PyTorch per sample, Hessian spectral norms within 1% on at least 95% of the samples. Models
 * listed as {@code pass} in {@code fixtures/zoo/expectations.txt} must pass; those listed as
 * {@code fail} must still fail (one that starts passing fails the test until its line says
 * {@code pass}). Writes the per-model table to {@code target/zoo/results.md} and the expectation
 * lines of today's results to {@code target/zoo/expectations-now.txt}.
 */
class ExporterZooTest {
  private static final List<ZooResult> RESULTS = new ArrayList<>();
  private static ZooCorpus corpus;
  private static ZooExpectations expected;

  @BeforeAll
  static void readCorpus() {
    Path dir = ZooCorpus.defaultDir();
    if (!ZooCorpus.present(dir)) {
      String why = dir + "/manifest.json is missing: run /usr/bin/python3 tools/zoo/make_zoo.py";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    corpus = ZooCorpus.read(dir);
    expected = ZooExpectations.read(dir.resolve("expectations.txt"));
  }

  @Test
  void everyModelHasExactlyOneExpectation() {
    List<String> models = corpus.entries().stream().filter(e -> e.file() != null).map(ZooCorpus.Entry::name).toList();
    List<String> missing = models.stream().filter(m -> !expected.listed(m)).toList();
    assertTrue(missing.isEmpty(), "models without a line in expectations.txt: " + missing);
    List<String> stale = Stream.concat(expected.mustPass().keySet().stream(), expected.knownFailures().keySet().stream())
        .filter(m -> !models.contains(m)).toList();
    assertTrue(stale.isEmpty(), "expectations.txt lines naming no model of the corpus: " + stale);
    List<String> both = expected.mustPass().keySet().stream().filter(expected.knownFailures()::containsKey).toList();
    assertTrue(both.isEmpty(), "listed both as pass and fail: " + both);
  }

  @TestFactory
  Stream<DynamicTest> everyZooModelMatchesFloat64PyTorch() {
    return corpus.entries().stream().filter(e -> e.file() != null).map(e -> DynamicTest.dynamicTest(e.name(), () -> {
      ZooResult r = ZooModelCheck.check(corpus, e);
      synchronized (RESULTS) {
        RESULTS.add(r);
      }
      System.out.println(r.row());
      if (expected.mustPass().containsKey(e.name())) {
        assertEquals("pass", r.verdict(), e.name() + " is listed as passing but failed: " + r.detail() + "\n" + r.row());
      } else if (expected.knownFailures().containsKey(e.name())) {
        assertFalse(r.passed(), e.name() + " now passes: change its line in fixtures/zoo/expectations.txt to 'pass "
            + e.name() + "'\n" + r.row());
      }
    }));
  }

  @AfterAll
  static void writeTable() throws IOException {
    if (corpus == null) {
      return;
    }
    Path out = Path.of("target", "zoo");
    Files.createDirectories(out);
    StringBuilder table = new StringBuilder(ZooResult.header()).append('\n');
    StringBuilder lines = new StringBuilder();
    long passed = RESULTS.stream().filter(ZooResult::passed).count();
    for (ZooResult r : RESULTS) {
      table.append(r.row()).append('\n');
      lines.append(ZooExpectations.lineFor(r)).append('\n');
    }
    for (ZooCorpus.Entry e : corpus.entries()) {
      if (e.file() == null) {
        table.append(String.format("| %s | %s | %s | not exported: %s | – | – | – | – | – |%n", e.family(), e.variant(),
            e.exporter(), e.exportError().replace('|', '/')));
      }
    }
    table.append("\n").append(passed).append(" of ").append(RESULTS.size()).append(" models pass.\n");
    Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("expectations-now.txt"), lines, StandardCharsets.UTF_8);
    System.out.println(table);
  }
}
