package io.lcnn.reports;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.bound.BoundReport;
import io.lcnn.auditor.geometry.SpectrumMeter;
import io.lcnn.auditor.geometry.SplitStatistics;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.HessianSpectrum;
import io.lcnn.reports.html.HtmlReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's curvature-bound section shows the bound next to the measured maximum (over both
 * splits) with their ratio, a density chart for the model with a spectrum, and Table 3 with the
 * bootstrap interval of each discrepancy.
 */
class GeometrySectionReportTest {
  @TempDir Path tmp;

  @Test
  void boundDensityAndIntervalsAppear() {
    AuditResult a = SyntheticAudits.build(tmp, SyntheticAudits.STANDARD, SyntheticAudits.Options.full());
    Discrepancy d = SplitStatistics.discrepancy(a.splits().get("test").summary(), a.splits().get("train").summary(),
        a.splits().get("test").samples(), a.splits().get("train").samples(), 1);
    double maxC = Math.max(a.splits().get("test").summary().curvature().max(),
        a.splits().get("train").summary().curvature().max());
    BoundReport bound = new BoundReport(BoundReport.FUNCTION, BoundReport.FORM, 1000 * maxC, 5e4, 30.0, null, 10,
        List.of(), null, 1e-6, 0);
    HessianSpectrum.SpectralDensity density = SpectrumMeter.density(
        List.<double[][]>of(new double[][] {{-1, 0.25}, {0.5, 0.5}, {4, 0.25}}), 0);
    HessianSpectrum spectrum = new HessianSpectrum(0, 100, 1e-3, 4, 30, 0.05, 0,
        List.of(new HessianSpectrum.SampleSpectrum(0, null, null, null, 0, density.moments())), density);
    AuditResult b = new AuditResult(a.schemaVersion(), a.tool(), a.createdAt(), a.model(), a.settings(), a.splits(), d,
        a.selfCheck(), a.attacks(), a.gradientStability(), a.maskingChecks(), a.artifacts(), a.gate(), a.provenance(), bound, spectrum);
    String html = HtmlReport.render(List.of(new LoadedAudit(tmp.resolve("audit.json"), "std", b)), Map.of(), "lcnn test")
        .replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ");
    assertTrue(html.contains("std " + Numbers.sig4(1000 * maxC) + " " + Numbers.sig4(maxC) + " 1000×"), "bound row");
    assertTrue(html.contains("Hessian eigenvalue density · std"), "density chart");
    var u = d.uncertainty().curvature().discrepancy();
    assertTrue(html.contains(Numbers.sig4(d.curvature()) + " [" + Numbers.sig4(u.low()) + ", " + Numbers.sig4(u.high())
        + "]"), "Table 3 interval");
  }
}
