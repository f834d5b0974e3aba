package io.lcnn.reports.html;

import java.util.List;

/**
 * What the report template shows, already formatted: every string here is plain text that the
 * template escapes, except the fields named {@code svg} (JFreeSVG output) and image {@code uri}s
 * (base64 PNG data URIs), which the report code produced itself.
 */
public final class ReportView {
  private ReportView() {}

  /** A label and a value. */
  public record Pair(String key, String value) {}

  /** A table cell: text shown and the sort key (a number, or null to sort by text). */
  public record Cell(String text, String sortKey) {}

  /** A table with a header row and body rows. */
  public record Table(List<String> header, List<List<Cell>> rows, String caption) {}

  /** An inline SVG chart. */
  public record Chart(String id, String title, String svg, String caption) {}

  /** One rule line of the verdict banner. */
  public record RuleLine(boolean passed, String rule, String message) {}

  /** The gate verdict of one model. */
  public record ModelVerdict(String model, boolean passed, List<RuleLine> rules, String source) {}

  /**
   * The verdict banner.
   *
   * @param state {@code pass}, {@code fail} or {@code none} (no policy)
   * @param headline one sentence
   * @param verdicts per model, empty when ungated
   * @param highlights one line per model after the first: its curvature and accuracy against the first
   */
  public record Verdict(String state, String headline, List<ModelVerdict> verdicts, List<String> highlights) {}

  /**
   * One gallery sample: PNG data URIs (null when the audit saved no such array).
   *
   * @param caption index, label, predictions and curvature
   * @param amplification the perturbation's magnification, e.g. {@code ×16.4}
   * @param broken whether the adversarial prediction differs from the label
   */
  public record GalleryItem(
      String caption, String inputUri, String adversarialUri, String perturbationUri, String amplification,
      String saliencyUri, boolean broken) {}

  /** One masking-check row. */
  public record Masking(String name, boolean passed, String figure, String threshold, String detail) {}

  /**
   * Everything the report shows for one model.
   *
   * @param name display name
   * @param color CSS colour of the model in every chart
   * @param card model-card entries
   * @param opHistogram op type and count, most frequent first
   * @param settings every audit setting
   * @param fallbacks reasons for finite-difference fallbacks (empty when exact)
   * @param metadata model metadata entries other than the training record
   * @param trainingRecord pretty-printed JSON training record, or null
   * @param selfCheck self-check entries, empty when not run
   * @param masking masking checks, or null when not run
   * @param gallery gallery samples, empty when none
   * @param galleryNote why there is no gallery, or a note on it
   * @param samples per-sample table
   */
  public record ModelView(
      String name, String color, List<Pair> card, List<Pair> opHistogram, List<Pair> settings,
      List<String> fallbacks, List<Pair> metadata, String trainingRecord, List<Pair> selfCheck,
      List<Masking> masking, List<GalleryItem> gallery, String galleryNote, Table samples) {}

  /**
   * The whole page.
   *
   * @param title page title
   * @param subtitle line under the title
   * @param verdict the banner
   * @param models per model
   * @param table1 geometry comparison (paper Table 1)
   * @param table2 robust accuracy comparison (Table 2), or null when no model ran attacks
   * @param table3 train–test discrepancy (Table 3), or null when no model had a train split
   * @param distributions histograms
   * @param stability stability chart, or null when not run
   * @param stabilityTables per model stability figures
   * @param robustness robust accuracy chart, or null when not run
   * @param generator tool name and version for the footer
   * @param radiusScatter Proposition 2's radius against the smallest breaking radius, or null
   * @param geometry the curvature bound and the Hessian spectrum (docs/geometry.md)
   */
  public record Page(
      String title, String subtitle, Verdict verdict, List<ModelView> models, Table table1, Table table2,
      Table table3, List<Chart> distributions, Chart stability, List<Table> stabilityTables, Chart robustness,
      String generator, Chart radiusScatter, Geometry geometry) {}

  /**
   * The curvature-bound section.
   *
   * @param bounds per model: the data-free bounds next to the measured maxima, or null when no audit has a bound
   * @param spectra per model: extreme eigenvalues and SLQ moments, or null when no audit has a spectrum
   * @param densities one SLQ density chart per model that has one
   */
  public record Geometry(Table bounds, Table spectra, List<Chart> densities) {}
}
