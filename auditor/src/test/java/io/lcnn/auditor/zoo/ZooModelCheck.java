package io.lcnn.auditor.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.audit.AuditOptions;
import io.lcnn.auditor.diff.UnsupportedOpsException;
import io.lcnn.auditor.geometry.EigenEstimate;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.oracle.ExactOracles;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks one zoo model the way an audit uses it: exact oracles only (no finite-difference
 * fallback), the output kind the auditor detects, the default eigen-solver; and compares outputs,
 * gradients, H·probe and Hessian spectral norms with the family's float64 PyTorch references.
 */
final class ZooModelCheck {
  /** Largest per-sample relative error of gradients and H·probe. */
  static final double GRAD_HVP_TOL = 1e-3;
  /** Largest per-sample relative error of the outputs (float32 forward pass of the same function). */
  static final double OUTPUT_TOL = 1e-4;
  /** Spectral norms must be within this relative error ... */
  static final double SPECTRAL_TOL = 0.01;
  /** ... on at least this share of the samples. */
  static final double SPECTRAL_SHARE = 0.95;

  private ZooModelCheck() {}

  static ZooResult check(ZooCorpus corpus, ZooCorpus.Entry e) {
    long start = System.nanoTime();
    Path ref = corpus.dir().resolve(e.reference());
    FloatTensor x = Npy.readFloats(ref.resolve("inputs.npy"));
    int[] y = Npy.readLabels(ref.resolve("labels.npy"));
    FloatTensor outRef = Npy.readFloats(ref.resolve("outputs.npy"));
    FloatTensor gRef = Npy.readFloats(ref.resolve("grads.npy"));
    FloatTensor probe = Npy.readFloats(ref.resolve("probe.npy"));
    FloatTensor hvRef = Npy.readFloats(ref.resolve("hvp_probe.npy"));
    double[] normRef = values(ref, "hessian_spectral_norm");
    double[] lossRef = values(ref, "loss");
    int n = x.batchSize();
    ExactOracles o;
    try {
      OnnxModelFile model = OnnxModelFile.load(corpus.dir().resolve(e.file()));
      o = ExactOracles.create(model, OrtRuntime.cpu(1), OutputKind.detect(model));
    } catch (UnsupportedOpsException ex) {
      return failed(e, "unsupported", ex.getMessage(), start);
    } catch (RuntimeException ex) {
      return failed(e, "error", ex.getClass().getSimpleName() + ": " + ex.getMessage(), start);
    }
    try (o) {
      if (!o.gradient().mode().equals("exact") || !o.hvp().mode().equals("exact")) {
        return failed(e, "error", "oracles are not exact", start);
      }
      GradientResult r = o.gradient().gradient(x, y);
      FloatTensor hv = o.hvp().hvp(x, y, probe);
      List<EigenEstimate> eig = AuditOptions.defaults().solver().solve(o.hvp(), x, y, 0);
      double outErr = 0;
      double lossErr = 0;
      double gradErr = 0;
      double hvpErr = 0;
      int within = 0;
      double specErr = 0;
      for (int i = 0; i < n; i++) {
        outErr = Math.max(outErr, r.output().sampleSize() == outRef.sampleSize()
            ? ReferenceModel.relativeError(r.output(), outRef, i) : Double.POSITIVE_INFINITY);
        lossErr = Math.max(lossErr, Math.abs(r.loss()[i] - lossRef[i]) / Math.max(1, Math.abs(lossRef[i])));
        gradErr = Math.max(gradErr, ReferenceModel.relativeError(r.gradient(), gRef, i));
        hvpErr = Math.max(hvpErr, ReferenceModel.relativeError(hv, hvRef, i));
        double s = Math.abs(eig.get(i).spectralNorm() - normRef[i]) / normRef[i];
        specErr = Math.max(specErr, s);
        within += s <= SPECTRAL_TOL ? 1 : 0;
      }
      String verdict = !(outErr <= OUTPUT_TOL) ? "output"
          : !(lossErr <= OUTPUT_TOL) ? "loss"
          : !(gradErr <= GRAD_HVP_TOL) ? "gradient"
          : !(hvpErr <= GRAD_HVP_TOL) ? "hvp"
          : within < Math.ceil(SPECTRAL_SHARE * n) ? "spectral" : "pass";
      String detail = switch (verdict) {
        case "output" -> "outputs differ from the float64 reference (rel. err " + outErr + ")";
        case "loss" -> "loss differs from the reference (rel. err " + lossErr + "; output kind "
            + OutputKind.detect(OnnxModelFile.load(corpus.dir().resolve(e.file()))).json() + ")";
        default -> "";
      };
      return new ZooResult(e, verdict, detail, outErr, gradErr, hvpErr, within, n, specErr, seconds(start));
    } catch (RuntimeException ex) {
      return failed(e, "error", ex.getClass().getSimpleName() + ": " + ex.getMessage(), start);
    }
  }

  private static ZooResult failed(ZooCorpus.Entry e, String verdict, String detail, long start) {
    String line = detail == null ? "" : detail.lines().findFirst().orElse("");
    return new ZooResult(e, verdict, line, Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, seconds(start));
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double[] values(Path ref, String field) {
    try {
      JsonNode a = new ObjectMapper().readTree(ref.resolve("reference.json").toFile()).get(field);
      double[] v = new double[a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = a.get(i).asDouble();
      }
      return v;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
