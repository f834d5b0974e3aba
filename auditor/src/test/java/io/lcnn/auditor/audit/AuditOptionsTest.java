package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The option entries: one declaration each, parsed and checked with messages naming the flag. */
class AuditOptionsTest {

  @Test
  void everyEntryHasItsOwnKeyAndFlagsAndDocumentation() {
    Set<String> keys = new HashSet<>();
    Set<String> flags = new HashSet<>();
    for (AuditOption<?> o : AuditOptions.ALL) {
      assertTrue(keys.add(o.key()), "key declared twice: " + o.key());
      o.flags().forEach(f -> assertTrue(flags.add(f), "flag declared twice: " + f));
      assertTrue(!o.doc().isBlank(), o.key());
    }
    assertEquals(keys, AuditOptions.defaults().asMap().keySet());
  }

  @Test
  void parsedValuesReachTheTypedAccessors() {
    OptionValues v = OptionValues.parse(AuditOptions.ALL, List.of("--batch-size", "8", "--eigen=power", "--seed", "-3",
        "--pgd-eps", "0.2,0.1,0.2", "--workers", "3", "--attack", "NONE"));
    AuditOptions o = AuditOptions.of(v);
    assertEquals(8, o.batchSize());
    assertEquals("power", o.eigenSolver());
    assertEquals(-3L, o.seed());
    assertEquals(List.of(0.1, 0.2), o.get(AuditOptions.PGD_EPS));
    assertEquals(3, o.workers());
    assertEquals(null, o.robustness());
    assertEquals(32, AuditOptions.defaults().batchSize());
  }

  @Test
  void badValuesAreOneLineMessagesNamingTheFlag() {
    assertEquals("--batch-size must be ≥ 1, not 0", message("--batch-size", "0"));
    assertEquals("--eigen must be lanczos or power, not 'qr'", message("--eigen", "qr"));
    assertEquals("--eigen-tol: 'x' is not a number", message("--eigen-tol", "x"));
    assertEquals("--eps: radii must be positive, got -1", message("--eps", "0.1,-1"));
    assertEquals("--eps: radii must be positive, got -1", message("--pgd-eps", "0.1,-1"));
    assertEquals("--attack must be a comma list of pgd, apgd, apgd-t, fab-t, square, both, autoattack (or none), not 'fgsm'",
        message("--attack", "fgsm"));
    assertEquals("unknown option '--nope'", message("--nope", "1"));
    assertEquals("--seed needs a value", assertThrows(IllegalArgumentException.class,
        () -> OptionValues.parse(AuditOptions.ALL, List.of("--seed"))).getMessage());
    assertEquals("--workers must be ≥ 1, not 0", assertThrows(IllegalArgumentException.class,
        () -> AuditOptions.defaults().withWorkers(0)).getMessage());
  }

  private static String message(String flag, String value) {
    return assertThrows(IllegalArgumentException.class,
        () -> OptionValues.parse(AuditOptions.ALL, List.of(flag, value))).getMessage();
  }

  @Test
  void optionsSurviveJavaSerializationForShippingToWorkers() throws Exception {
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.PGD_EPS, List.of(0.3)).withMaxSamples(9)
        .with(AuditOptions.INPUT_RANGE, "-1,1");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      AuditOptions back = (AuditOptions) in.readObject();
      assertEquals(o, back);
      assertEquals(o.asMap(), back.asMap());
      assertEquals(-1.0, back.robustness().inputRange().lo());
    }
  }
}
