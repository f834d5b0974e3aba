package io.lcnn.auditor.audit;

import io.lcnn.auditor.geometry.SpectrumMeter;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.HessianSpectrum;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adds the input Hessian's spectrum on the first test samples ({@link SpectrumMeter}: extreme
 * eigenvalues and the SLQ density) to the result's {@code spectrum} block, in batches of the
 * audit's batch size, seeded with the audit's seed.
 */
public final class SpectrumExtension implements AuditExtension {
  private final SpectrumSettings settings;

  /** A stage with these settings. */
  public SpectrumExtension(SpectrumSettings settings) {
    this.settings = settings;
  }

  @Override
  public AuditResult extend(AuditContext context, AuditResult result) {
    int n = Math.min(settings.samples(), context.test().size());
    int b = context.options().batchSize();
    long seed = context.options().seed();
    List<double[]> eig = new ArrayList<>();
    List<double[][]> rules = new ArrayList<>();
    for (int from = 0; from < n; from += b) {
      int to = Math.min(n, from + b);
      FloatTensor x = context.test().inputs().slice(from, to);
      int[] labels = Arrays.copyOfRange(context.test().labels(), from, to);
      if (settings.eigenK() > 0) {
        eig.addAll(SpectrumMeter.eigenvalues(context.hvp(), x, labels, settings.eigenK(), settings.maxSteps(),
            settings.tolerance(), seed + from));
      }
      if (settings.density()) {
        rules.addAll(SpectrumMeter.quadrature(context.hvp(), x, labels, settings.probes(), settings.slqSteps(),
            seed + 0x5DEECE66DL + from));
      }
    }
    List<HessianSpectrum.SampleSpectrum> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Double> top = null;
      Double neg = null;
      Double pos = null;
      int steps = 0;
      if (settings.eigenK() > 0) {
        double[] row = eig.get(i);
        int k = row.length - 3;
        top = Arrays.stream(row, 0, k).boxed().toList();
        neg = row[k];
        pos = row[k + 1];
        steps = (int) row[k + 2];
      }
      samples.add(new HessianSpectrum.SampleSpectrum(i, top, neg, pos, steps,
          settings.density() ? SpectrumMeter.moments(rules.get(i)) : null));
    }
    HessianSpectrum.SpectralDensity density = settings.density() ? SpectrumMeter.density(rules, settings.kernelWidth())
        : null;
    HessianSpectrum spectrum = new HessianSpectrum(settings.eigenK(), settings.maxSteps(), settings.tolerance(),
        settings.density() ? settings.probes() : null, settings.density() ? settings.slqSteps() : null,
        density == null ? null : SpectrumMeter.kernelWidth(density.nodes(), settings.kernelWidth()),
        seed, samples, density);
    return result.withGeometry(result.curvatureBound(), spectrum);
  }
}
