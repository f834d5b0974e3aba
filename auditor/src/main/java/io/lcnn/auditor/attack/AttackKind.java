package io.lcnn.auditor.attack;

import java.util.List;
import java.util.Locale;

/** Which attacks an audit runs: l2 PGD, APGD-CE, or both with a per-sample worst case. */
public enum AttackKind {
  PGD,
  APGD,
  BOTH;

  /** Parses {@code pgd|apgd|both}, case-insensitive, naming the flag in the error. */
  public static AttackKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--attack must be pgd, apgd or both, not '" + text + "'");
    }
  }

  /** The JSON spelling: {@code "pgd"}, {@code "apgd"} or {@code "both"}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The attacks to run for these settings, PGD first. */
  public List<Attack> attacks(RobustnessSettings s, InputRange range) {
    PgdL2 pgd = new PgdL2(s.steps(), s.stepSizeFactor(), s.restarts(), true, s.seed(), range);
    ApgdL2 apgd = new ApgdL2(s.steps(), s.restarts(), s.seed(), range);
    return switch (this) {
      case PGD -> List.of(pgd);
      case APGD -> List.of(apgd);
      case BOTH -> List.of(pgd, apgd);
    };
  }
}
