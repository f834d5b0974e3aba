package io.lcnn.reports;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.result.Stats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks that a parsed audit.json holds every field the report and the gate read, so that a
 * truncated or hand-edited file fails with one line naming the missing field instead of failing
 * later inside a chart. Optional blocks (attacks, stability, masking checks, artifacts, train
 * split) may be absent, but when present they must be complete.
 */
public final class AuditValidator {
  private AuditValidator() {}

  /**
   * Throws {@link ReportInputException} naming the first missing or malformed field.
   *
   * @param file the audit.json the result came from (for the message)
   * @param r the parsed result
   */
  public static void check(Path file, AuditResult r) {
    Checker c = new Checker(file);
    c.present("model.path", r.model().path());
    c.present("model.sha256", r.model().sha256());
    c.present("settings.eigenSolver", r.settings().eigenSolver());
    Map<String, SplitResult> splits = r.splits();
    c.require(splits.containsKey("test"), "splits.test");
    for (Map.Entry<String, SplitResult> e : splits.entrySet()) {
      String p = "splits." + e.getKey();
      SplitResult s = c.present(p, e.getValue());
      c.present(p + ".samples", s.samples());
      SplitSummary sum = c.present(p + ".summary", s.summary());
      c.present(p + ".summary.gradNorm", sum.gradNorm());
      c.present(p + ".summary.hessianSpectralNorm", sum.hessianSpectralNorm());
      c.present(p + ".summary.curvature", sum.curvature());
      c.present(p + ".summary.loss", sum.loss());
      c.share(p + ".summary.accuracy", sum.accuracy());
      c.stats(p + ".summary.gradNorm", sum.gradNorm());
      c.stats(p + ".summary.hessianSpectralNorm", sum.hessianSpectralNorm());
      c.stats(p + ".summary.curvature", sum.curvature());
      for (int i = 0; i < s.samples().size(); i++) {
        SampleGeometry g = c.present(p + ".samples[" + i + "]", s.samples().get(i));
        c.nonNegative(p + ".samples[" + i + "].gradNorm", g.gradNorm());
        c.nonNegative(p + ".samples[" + i + "].hessianSpectralNorm", g.hessianSpectralNorm());
        c.nonNegative(p + ".samples[" + i + "].curvature", g.curvature());
      }
    }
    AttackResults a = r.attacks();
    if (a != null) {
      List<Double> eps = c.present("attacks.eps", a.eps());
      Map<String, Map<String, Double>> acc = c.present("attacks.accuracy", a.accuracy());
      for (Map.Entry<String, Map<String, Double>> e : acc.entrySet()) {
        c.present("attacks.accuracy." + e.getKey(), e.getValue());
        for (String key : e.getValue().keySet()) {
          c.number("attacks.accuracy." + e.getKey() + " key", key);
        }
      }
      c.require(!eps.isEmpty(), "attacks.eps (empty)");
      for (int i = 0; i < eps.size(); i++) {
        c.positive("attacks.eps[" + i + "]", eps.get(i));
      }
      c.share("attacks.cleanAccuracy", a.cleanAccuracy());
      for (Map.Entry<String, Map<String, Double>> e : acc.entrySet()) {
        for (Map.Entry<String, Double> v : e.getValue().entrySet()) {
          c.share("attacks.accuracy." + e.getKey() + "." + v.getKey(), v.getValue());
        }
      }
      if (a.worstCaseAccuracy() != null) {
        for (Map.Entry<String, Double> v : a.worstCaseAccuracy().entrySet()) {
          c.number("attacks.worstCaseAccuracy key", v.getKey());
          c.share("attacks.worstCaseAccuracy." + v.getKey(), v.getValue());
        }
      }
    }
    GradientStability g = r.gradientStability();
    if (g != null) {
      List<GradientStability.RadiusStability> radii = c.present("gradientStability.radii", g.radii());
      for (int i = 0; i < radii.size(); i++) {
        c.present("gradientStability.radii[" + i + "]", radii.get(i));
      }
    }
    if (r.maskingChecks() != null) {
      for (int i = 0; i < r.maskingChecks().size(); i++) {
        MaskingCheck m = c.present("maskingChecks[" + i + "]", r.maskingChecks().get(i));
        c.present("maskingChecks[" + i + "].name", m.name());
      }
    }
    if (r.artifacts() != null && r.artifacts().galleryInputs() != null) {
      c.present("artifacts.galleryIndices", r.artifacts().galleryIndices());
    }
    if (r.artifacts() != null) {
      c.inside("artifacts.galleryInputs", r.artifacts().galleryInputs());
      c.inside("artifacts.galleryAdversarial", r.artifacts().galleryAdversarial());
      c.inside("artifacts.galleryGradients", r.artifacts().galleryGradients());
    }
  }

  private record Checker(Path file) {
    <T> T present(String field, T value) {
      require(value != null, field);
      return value;
    }

    void require(boolean ok, String field) {
      if (!ok) {
        throw new ReportInputException(file + ": missing field '" + field + "'");
      }
    }

    /** A value that may be NaN (not measured) but not negative. */
    void nonNegative(String field, double v) {
      if (v < 0) {
        throw new ReportInputException(file + ": field '" + field + "' is " + v + ", which cannot be negative");
      }
    }

    void positive(String field, Double v) {
      if (v == null || !(v > 0) || v.isInfinite()) {
        throw new ReportInputException(file + ": field '" + field + "' is " + v + ", expected a finite number > 0");
      }
    }

    /** A share (accuracy): in [0, 1], or NaN when nothing was measured. */
    void share(String field, Double v) {
      if (v != null && !v.isNaN() && !(v >= 0 && v <= 1)) {
        throw new ReportInputException(file + ": field '" + field + "' is " + v + ", outside [0, 1]");
      }
    }

    void stats(String field, Stats st) {
      nonNegative(field + ".mean", st.mean());
      nonNegative(field + ".median", st.median());
      nonNegative(field + ".p90", st.p90());
      nonNegative(field + ".max", st.max());
      nonNegative(field + ".min", st.min());
    }

    /**
     * An artifact path: relative, without {@code ..}, and (symlinks followed, when it exists)
     * inside the folder holding audit.json, so a report reads nothing outside the audit folder.
     */
    void inside(String field, String rel) {
      if (rel == null) {
        return;
      }
      String shown = io.lcnn.errors.PrintableText.of(rel);
      Path dir = file.toAbsolutePath().normalize().getParent();
      Path p;
      try {
        p = Path.of(rel);
      } catch (RuntimeException e) {
        throw new ReportInputException(file + ": field '" + field + "' is '" + shown + "', not a file name");
      }
      boolean dotDot = false;
      for (Path part : p) {
        dotDot |= part.toString().equals("..");
      }
      if (p.isAbsolute() || dotDot || rel.isEmpty()) {
        throw new ReportInputException(file + ": field '" + field + "' is '" + shown
            + "'; artifact paths must be relative to the audit folder, without '..'");
      }
      Path target = dir.resolve(p);
      if (java.nio.file.Files.exists(target)) {
        try {
          if (!target.toRealPath().startsWith(dir.toRealPath())) {
            throw new ReportInputException(file + ": field '" + field + "' is '" + shown
                + "', which resolves outside the audit folder");
          }
        } catch (java.io.IOException e) {
          throw new ReportInputException(file + ": field '" + field + "' is '" + shown + "', which cannot be resolved");
        }
      }
    }

    void number(String field, String text) {
      try {
        Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new ReportInputException(file + ": field '" + field + "' is '" + text + "', not a number");
      }
    }
  }
}
