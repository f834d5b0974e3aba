package io.lcnn.reports;

import io.lcnn.auditor.result.Artifacts;
import io.lcnn.auditor.result.AttackResults;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.AuditSettings;
import io.lcnn.auditor.result.Discrepancy;
import io.lcnn.auditor.result.GradientStability;
import io.lcnn.auditor.result.MaskingCheck;
import io.lcnn.auditor.result.ModelInfo;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.result.SelfCheck;
import io.lcnn.auditor.result.SplitResult;
import io.lcnn.auditor.result.SplitSummary;
import io.lcnn.auditor.result.Stats;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SYNTHETIC rendering fixtures: builds audit.json folders that look like real audits, for testing
 * the report and the gate. The per-sample geometry is drawn from seeded log-normal distributions
 * (a "standard" profile with high curvature and an "lcnn" profile with lower curvature); the
 * gallery uses real Fashion-MNIST images and their real input gradients from
 * fixtures/torch-reference/mlp_softplus, with a made-up perturbation along the gradient. None of
 * these numbers is a measurement of any model.
 */
public final class SyntheticAudits {

  /**
   * What to put in one synthetic audit.
   *
   * @param curvatureMedian median of C_f over the test split
   * @param accuracy clean test accuracy
   * @param seed seed of every random draw
   */
  public record Profile(String name, double curvatureMedian, double accuracy, double[] robust, long seed) {}

  /** High curvature, like a ReLU-like standard network. */
  public static final Profile STANDARD = new Profile("standard", 180, 0.90, new double[] {0.62, 0.41, 0.24, 0.12}, 1);

  /** Lower curvature, like an LCNN. */
  public static final Profile LCNN = new Profile("lcnn", 35, 0.89, new double[] {0.70, 0.52, 0.35, 0.21}, 2);

  /** Optional blocks to include. */
  public record Options(boolean train, boolean attacks, boolean stability, boolean gallery, Map<String, String> metadata) {
    /** Every block. */
    public static Options full() {
      return new Options(true, true, true, true, Map.of());
    }

    /** Only the test split. */
    public static Options minimal() {
      return new Options(false, false, false, false, Map.of());
    }

    /** With extra metadata. */
    public Options withMetadata(Map<String, String> m) {
      return new Options(train, attacks, stability, gallery, m);
    }
  }

  private static final int TEST = 120;
  private static final int TRAIN = 80;
  private static final List<Double> EPS = List.of(0.05, 0.1, 0.15, 0.2);

  private SyntheticAudits() {}

  /** Writes {@code dir/audit.json} (and gallery arrays) and returns the audit.json path. */
  public static Path write(Path dir, Profile p, Options o) {
    AuditResult r = build(dir, p, o);
    Path file = dir.resolve("audit.json");
    AuditJson.write(file, r);
    return file;
  }

  /** Builds the result; writes the gallery arrays into {@code dir} when the options ask for them. */
  public static AuditResult build(Path dir, Profile p, Options o) {
    Random rnd = new Random(p.seed());
    Map<String, SplitResult> splits = new LinkedHashMap<>();
    SplitResult test = split(rnd, TEST, p.curvatureMedian(), p.accuracy());
    splits.put("test", test);
    Discrepancy disc = null;
    if (o.train()) {
      SplitResult train = split(rnd, TRAIN, p.curvatureMedian() * 0.93, Math.min(1, p.accuracy() + 0.05));
      splits.put("train", train);
      disc = new Discrepancy(
          rel(test.summary().gradNorm().mean(), train.summary().gradNorm().mean()),
          rel(test.summary().hessianSpectralNorm().mean(), train.summary().hessianSpectralNorm().mean()),
          rel(test.summary().curvature().mean(), train.summary().curvature().mean()));
    }
    AttackResults attacks = null;
    List<MaskingCheck> masking = null;
    if (o.attacks()) {
      Map<String, Double> pgd = new LinkedHashMap<>();
      Map<String, Double> apgd = new LinkedHashMap<>();
      Map<String, Double> worst = new LinkedHashMap<>();
      for (int i = 0; i < EPS.size(); i++) {
        pgd.put(EPS.get(i).toString(), p.robust()[i] + 0.02);
        apgd.put(EPS.get(i).toString(), p.robust()[i]);
        worst.put(EPS.get(i).toString(), p.robust()[i] - 0.01);
      }
      List<Double> breaking = new ArrayList<>();
      for (int i = 0; i < TEST; i++) {
        breaking.add(rnd.nextDouble() < 0.7 ? EPS.get(rnd.nextInt(EPS.size())) : null);
      }
      attacks = new AttackResults(EPS, 50, 2.5, 3, 7, new double[] {0, 1}, TEST, p.accuracy(),
          Map.of("pgd", pgd, "apgd", apgd), worst, breaking, null, null);
      masking = List.of(
          new MaskingCheck("accuracy-monotone-in-eps", true, 0, 0, "Robust accuracy never rises as eps grows."),
          new MaskingCheck("large-eps-accuracy", true, 0.01, 0.05, "At 5x the largest eps accuracy falls near zero."),
          new MaskingCheck("pgd-beats-noise", true, 0.3, 0.0, "PGD lowers accuracy more than random noise of the same norm."),
          new MaskingCheck("nonfinite-gradients", true, 0, 0.01, "Share of zero, NaN or infinite gradients."));
    }
    GradientStability stability = null;
    if (o.stability()) {
      double meanC = test.summary().curvature().mean();
      List<GradientStability.RadiusStability> radii = new ArrayList<>();
      for (double r : new double[] {1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1}) {
        double predicted = r * meanC;
        double measured = predicted * (1 + 0.4 * predicted) * 0.8;
        radii.add(new GradientStability.RadiusStability(r, measured, measured * 0.8, measured * 1.9, predicted,
            List.of(measured, measured * 1.1)));
      }
      stability = new GradientStability(8, "random", radii);
    }
    Artifacts artifacts = o.gallery() ? gallery(dir, test) : null;
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("recipe", p.name());
    meta.put("dataset", "fashion-mnist (synthetic fixture)");
    meta.put("training_record", "{\"recipe\":\"" + p.name() + "\",\"epochs\":10,\"seed\":" + p.seed()
        + ",\"finalTestAccuracy\":" + p.accuracy() + ",\"note\":\"synthetic rendering fixture\"}");
    meta.putAll(o.metadata());
    ModelInfo model = new ModelInfo("models/" + p.name() + ".onnx",
        String.format("%064x", p.seed() * 0x9E3779B97F4A7C15L & Long.MAX_VALUE), 17, 8, "lcnn-exporter 0.1.0",
        "input", List.of("batch", 1, 28, 28), new double[] {0, 1}, "logits", "logits", 10, "CPU", "exact",
        "exact", List.of(), Map.of("Conv", 2, "Softplus", 3, "Gemm", 2, "Mul", 6, "Div", 3, "Sub", 3),
        431_080L + p.seed(), meta);
    AuditSettings settings = new AuditSettings(1e-6, "power", 20, 1e-3, 64, 2, "auto", 42, 0, 1e-3, 4,
        "data/test_x.npy", "data/test_y.npy", o.train() ? "data/train_x.npy" : null,
        o.train() ? "data/train_y.npy" : null, o.attacks() ? EPS : null, o.attacks() ? 50 : null,
        o.attacks() ? 3 : null, o.attacks() ? "both" : null,
        o.stability() ? List.of(1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1) : null, null, null);
    SelfCheck self = new SelfCheck(4, 2.1e-4, 8.7e-5, 3.3e-5, 1e-3, "exact HVP vs central difference of exact gradients");
    return new AuditResult(AuditResult.SCHEMA_VERSION, "lcnn 0.1.0 (synthetic fixture)", "2026-11-25T03:00:00Z",
        model, settings, splits, disc, self, attacks, stability, masking, artifacts, null, null, null, null);
  }

  private static double rel(double test, double train) {
    return Math.abs((test - train) / test);
  }

  private static SplitResult split(Random rnd, int n, double curvMedian, double accuracy) {
    List<SampleGeometry> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(10);
      boolean correct = rnd.nextDouble() < accuracy;
      int pred = correct ? label : (label + 1 + rnd.nextInt(9)) % 10;
      double grad = Math.exp(Math.log(0.8) + 1.2 * rnd.nextGaussian());
      double curv = Math.exp(Math.log(curvMedian) + 0.7 * rnd.nextGaussian());
      double hess = curv * (grad + 1e-6);
      double loss = correct ? 0.05 * grad : 1 + grad;
      samples.add(new SampleGeometry(i, label, pred, loss, grad, hess, rnd.nextBoolean() ? hess : -hess, curv,
          10 + rnd.nextInt(11), 1e-4 * rnd.nextDouble()));
    }
    int hits = (int) samples.stream().filter(s -> s.label() == s.prediction()).count();
    SplitSummary sum = new SplitSummary(n, (double) hits / n,
        Stats.of(samples.stream().mapToDouble(SampleGeometry::loss).toArray()),
        Stats.of(samples.stream().mapToDouble(SampleGeometry::gradNorm).toArray()),
        Stats.of(samples.stream().mapToDouble(SampleGeometry::hessianSpectralNorm).toArray()),
        Stats.of(samples.stream().mapToDouble(SampleGeometry::curvature).toArray()));
    return new SplitResult(samples, sum);
  }

  private static Artifacts gallery(Path dir, SplitResult test) {
    Path ref = Path.of(System.getProperty("lcnn.fixtures"), "torch-reference", "mlp_softplus");
    FloatTensor x = Npy.readFloats(ref.resolve("inputs.npy"));
    FloatTensor g = Npy.readFloats(ref.resolve("grads.npy"));
    int[] idx = {3, 7, 11, 19, 23, 29};
    FloatTensor xs = x.select(idx);
    FloatTensor gs = g.select(idx);
    float[] adv = xs.data().clone();
    int size = xs.sampleSize();
    double eps = 0.2;
    for (int i = 0; i < idx.length; i++) {
      double n = 0;
      for (int k = 0; k < size; k++) {
        n += gs.data()[i * size + k] * gs.data()[i * size + k];
      }
      double s = eps / Math.sqrt(Math.max(n, 1e-30));
      for (int k = 0; k < size; k++) {
        adv[i * size + k] = (float) Math.max(0, Math.min(1, adv[i * size + k] + s * gs.data()[i * size + k]));
      }
    }
    Npy.write(dir.resolve("gallery_inputs.npy"), xs);
    Npy.write(dir.resolve("gallery_adversarial.npy"), new FloatTensor(xs.shape().clone(), adv));
    Npy.write(dir.resolve("gallery_gradients.npy"), gs);
    List<Integer> indices = new ArrayList<>();
    List<Integer> preds = new ArrayList<>();
    for (int i : idx) {
      indices.add(i);
      preds.add((test.samples().get(i).label() + 3) % 10);
    }
    return new Artifacts(indices, eps, "gallery_inputs.npy", "gallery_adversarial.npy", "gallery_gradients.npy", preds);
  }
}
