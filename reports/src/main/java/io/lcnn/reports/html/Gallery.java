package io.lcnn.reports.html;

import io.lcnn.auditor.result.Artifacts;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import io.lcnn.reports.LoadedAudit;
import io.lcnn.reports.Numbers;
import io.lcnn.reports.ReportInputException;
import io.lcnn.reports.html.ReportView.GalleryItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gallery of least robust samples, from the arrays the audit saved next to audit.json:
 * clean input, adversarial input, amplified perturbation and gradient saliency per sample.
 */
final class Gallery {
  private Gallery() {}

  /** Items, or an empty list and a note saying why there are none. */
  record Result(List<GalleryItem> items, String note) {}

  static Result build(LoadedAudit audit) {
    AuditResult r = audit.result();
    Artifacts a = r.artifacts();
    if (a == null || a.galleryInputs() == null) {
      return new Result(List.of(), "Not run: this audit saved no gallery arrays (the gallery needs attacks).");
    }
    for (String rel : new String[] {a.galleryInputs(), a.galleryAdversarial(), a.galleryGradients()}) {
      if (rel != null && !Files.isRegularFile(audit.dir().resolve(rel))) {
        return new Result(List.of(), "Not shown: the gallery array " + rel + " named in audit.json is not in "
            + audit.dir() + " (copy the whole audit folder, not only audit.json).");
      }
    }
    FloatTensor inputs = read(audit, a.galleryInputs(), "artifacts.galleryInputs");
    FloatTensor adv = a.galleryAdversarial() == null ? null : read(audit, a.galleryAdversarial(), "artifacts.galleryAdversarial");
    FloatTensor grads = a.galleryGradients() == null ? null : read(audit, a.galleryGradients(), "artifacts.galleryGradients");
    ImageLayout layout = ImageLayout.of(inputs.sampleShape());
    if (layout == null) {
      return new Result(List.of(), "The gallery inputs have shape " + Arrays.toString(inputs.shape())
          + ", which is not an image, so they are not shown.");
    }
    check(audit, inputs, adv, "artifacts.galleryAdversarial");
    check(audit, inputs, grads, "artifacts.galleryGradients");
    double[] range = r.model().inputRange() != null ? r.model().inputRange()
        : r.attacks() != null && r.attacks().inputRange() != null ? r.attacks().inputRange() : new double[] {0, 1};
    int n = Math.min(inputs.batchSize(), a.galleryIndices().size());
    List<GalleryItem> items = new ArrayList<>();
    int size = layout.size();
    for (int i = 0; i < n; i++) {
      int off = i * size;
      int index = a.galleryIndices().get(i);
      SampleGeometry s = findTest(r, index);
      Integer advPred = a.galleryAdversarialPredictions() != null && i < a.galleryAdversarialPredictions().size()
          ? a.galleryAdversarialPredictions().get(i) : null;
      StringBuilder cap = new StringBuilder("test #" + index);
      if (s != null) {
        cap.append(" · label ").append(s.label()).append(" · predicted ").append(s.prediction());
      }
      if (advPred != null) {
        cap.append(" · adversarial ").append(advPred);
      }
      if (s != null) {
        cap.append(" · C_f ").append(Numbers.sig4(s.curvature()));
      }
      String inputUri = PngImages.image(inputs.data(), off, layout, range[0], range[1]);
      String advUri = null;
      String pertUri = null;
      String amp = null;
      if (adv != null) {
        advUri = PngImages.image(adv.data(), off, layout, range[0], range[1]);
        PngImages.Perturbation p = PngImages.perturbation(inputs.data(), adv.data(), off, layout, range[0], range[1]);
        pertUri = p.uri();
        amp = "×" + Numbers.sig4(p.amplification());
      }
      String salUri = grads == null ? null : PngImages.saliency(grads.data(), off, layout);
      boolean broken = advPred != null && s != null && advPred != s.label();
      items.add(new GalleryItem(cap.toString(), inputUri, advUri, pertUri, amp, salUri, broken));
    }
    String note = "The " + n + " least robust test samples, adversarial inputs at ε = "
        + (a.galleryEps() == null ? "?" : Numbers.sig4(a.galleryEps()))
        + ". Perturbations are amplified (factor shown) around mid grey; saliency is |∇ₓf| per pixel, "
        + "largest over channels, scaled to its maximum (inferno colour map).";
    return new Result(items, note);
  }

  private static FloatTensor read(LoadedAudit audit, String rel, String field) {
    Path p = audit.dir().resolve(rel);
    if (!Files.isRegularFile(p)) {
      throw new ReportInputException(audit.file() + ": field '" + field + "' names " + p + ", which does not exist");
    }
    try {
      return Npy.readFloats(p);
    } catch (RuntimeException e) {
      throw new ReportInputException(audit.file() + ": field '" + field + "': " + e.getMessage(), e);
    }
  }

  private static void check(LoadedAudit audit, FloatTensor inputs, FloatTensor other, String field) {
    if (other != null && !Arrays.equals(inputs.shape(), other.shape())) {
      throw new ReportInputException(audit.file() + ": field '" + field + "' has shape "
          + Arrays.toString(other.shape()) + ", the gallery inputs " + Arrays.toString(inputs.shape()));
    }
  }

  private static SampleGeometry findTest(AuditResult r, int index) {
    for (SampleGeometry s : r.splits().get("test").samples()) {
      if (s.index() == index) {
        return s;
      }
    }
    return null;
  }
}
