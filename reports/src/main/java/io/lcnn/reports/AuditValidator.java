package io.lcnn.reports;

import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SplitSummary;
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
      for (int i = 0; i < s.samples().size(); i++) {
        c.present(p + ".samples[" + i + "]", s.samples().get(i));
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
      if (a.worstCaseAccuracy() != null) {
        for (String key : a.worstCaseAccuracy().keySet()) {
          c.number("attacks.worstCaseAccuracy key", key);
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

    void number(String field, String text) {
      try {
        Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new ReportInputException(file + ": field '" + field + "' is '" + text + "', not a number");
      }
    }
  }
}
