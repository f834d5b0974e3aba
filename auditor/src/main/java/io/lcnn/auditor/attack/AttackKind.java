package io.lcnn.auditor.attack;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which attacks an audit runs, in order: a list of attack names, parsed from {@code --attack}
 * as a comma list of {@code pgd}, {@code apgd} (APGD-CE), {@code apgd-t}, {@code fab-t} (alias {@code fab}), {@code square},
 * and the shorthands {@code both} (pgd, apgd) and {@code autoattack} (apgd, apgd-t, fab-t, square:
 * AutoAttack's standard ensemble in its order). With several attacks each later one runs only on the samples
 * the earlier ones left standing, and the result is the per-sample worst case.
 *
 * @param names attack names in running order, without duplicates
 */
public record AttackKind(List<String> names) {
  /** Attack names {@link #parse} accepts, besides the shorthands. */
  public static final List<String> ATTACKS = List.of("pgd", "apgd", "apgd-t", "fab-t", "square");
  /** l2 PGD alone. */
  public static final AttackKind PGD = new AttackKind(List.of("pgd"));
  /** APGD-CE alone. */
  public static final AttackKind APGD = new AttackKind(List.of("apgd"));
  /** PGD and APGD-CE. */
  public static final AttackKind BOTH = new AttackKind(List.of("pgd", "apgd"));
  /** AutoAttack's standard ensemble in its order: APGD-CE, APGD-T, FAB-T, Square. */
  public static final AttackKind AUTOATTACK = new AttackKind(List.of("apgd", "apgd-t", "fab-t", "square"));
  /**
   * The default: PGD (3 restarts, each from a different start) then APGD-CE on the samples PGD
   * left standing; about 1.3× PGD's cost, since APGD only attacks survivors.
   */
  public static final AttackKind DEFAULT = BOTH;

  /** Checks and copies the names. */
  public AttackKind {
    names = List.copyOf(names);
    if (names.isEmpty() || !ATTACKS.containsAll(names) || Set.copyOf(names).size() != names.size()) {
      throw new IllegalArgumentException("attack names must be distinct ones of " + ATTACKS + ", got " + names);
    }
  }

  /**
   * Parses {@code --attack}: a comma list of attack names and shorthands ({@code both},
   * {@code autoattack}), case-insensitive; duplicates keep their first place.
   */
  public static AttackKind parse(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      switch (p) {
        case "both" -> out.addAll(BOTH.names());
        case "autoattack" -> out.addAll(AUTOATTACK.names());
        case "apgd-ce" -> out.add("apgd");
        case "fab" -> out.add("fab-t");
        default -> {
          if (!ATTACKS.contains(p)) {
            throw new IllegalArgumentException("--attack must be a comma list of pgd, apgd, apgd-t, fab-t, square, both, autoattack"
                + " (or none), not '" + text + "'");
          }
          out.add(p);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--attack needs at least one attack, got '" + text + "'");
    }
    return new AttackKind(new ArrayList<>(out));
  }

  /** The JSON spelling: the names joined by commas, e.g. {@code "pgd,apgd"}. */
  public String json() {
    return String.join(",", names);
  }

  /** Whether the gradient-free Square attack is among the attacks. */
  public boolean hasGradientFree() {
    return names.contains("square");
  }

  /** The attacks to run for these settings, in order. */
  public List<Attack> attacks(RobustnessSettings s, InputRange range) {
    return names.stream().map(n -> create(n, s, range)).toList();
  }

  /** Only the gradient attacks of the list (the masking checks re-run these), or PGD when none is. */
  public List<Attack> gradientAttacks(RobustnessSettings s, InputRange range) {
    List<Attack> out = names.stream().filter(n -> !n.equals("square")).map(n -> create(n, s, range)).toList();
    return out.isEmpty() ? List.of(create("pgd", s, range)) : out;
  }

  private static Attack create(String name, RobustnessSettings s, InputRange range) {
    return switch (name) {
      case "pgd" -> new PgdL2(s.steps(), s.stepSizeFactor(), s.restarts(), true, s.seed(), range);
      case "apgd" -> new ApgdL2(s.steps(), s.restarts(), s.seed(), range);
      case "apgd-t" -> new ApgdTargetedL2(s.steps(), s.targets(), s.seed(), range);
      case "fab-t" -> new FabTargetedL2(s.steps(), s.targets(), FabTargetedL2.DEFAULT_RESTARTS, s.seed(), range);
      case "square" -> new SquareL2(s.squareQueries(), SquareL2.DEFAULT_P_INIT, s.seed(), range);
      default -> throw new IllegalArgumentException("unknown attack " + name);
    };
  }
}
