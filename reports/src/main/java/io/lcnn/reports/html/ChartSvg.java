package io.lcnn.reports.html;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws the report's charts with JFreeChart and returns them as inline SVG elements (JFreeSVG).
 * Each chart gets its own id prefix so several SVGs can share one HTML page; text drawn into the
 * SVG (titles, legends with model names) is XML-escaped by JFreeSVG.
 */
public final class ChartSvg {
  /** Colours of the models, in report order (colour-blind-safe Okabe–Ito palette). */
  public static final List<Color> PALETTE = List.of(
      new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
      new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000));

  private static final Font TICK = new Font("SansSerif", Font.PLAIN, 11);
  private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
  private static final Color GRID = new Color(0xE3E6EA);
  private static final int WIDTH = 560;
  private static final int HEIGHT = 340;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ChartSvg() {}

  /** Colour of the i-th model. */
  public static Color color(int i) {
    return PALETTE.get(i % PALETTE.size());
  }

  /** CSS hex of the i-th model's colour, e.g. {@code #0072B2}. */
  public static String cssColor(int i) {
    Color c = color(i);
    return String.format("#%02X%02X%02X", c.getRed(), c.getGreen(), c.getBlue());
  }

  /**
   * Overlaid histograms of a positive quantity on log-spaced bins (shared by all series), the
   * y axis giving the share of each series' samples per bin. Non-positive or non-finite values
   * are left out of the bins.
   *
   * @param id unique chart id (also the SVG's id prefix)
   * @param xLabel axis label, with units
   * @param series series name (model) to values, each drawn in the colour of its index in {@code colors}
   * @param colors colour index per series, same order as {@code series}
   */
  public static String histogram(String id, String xLabel, Map<String, double[]> series, List<Integer> colors) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] v : series.values()) {
      for (double x : v) {
        if (x > 0 && Double.isFinite(x)) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
    if (!(lo < Double.POSITIVE_INFINITY)) {
      lo = 1;
      hi = 10;
    }
    if (hi / lo < 1.5) {
      lo /= 1.25;
      hi *= 1.25;
    }
    int bins = 28;
    double a = Math.log10(lo);
    double step = (Math.log10(hi) - a) / bins;
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      int[] counts = new int[bins];
      int n = 0;
      for (double x : e.getValue()) {
        if (x > 0 && Double.isFinite(x)) {
          int b = (int) Math.floor((Math.log10(x) - a) / step);
          counts[Math.max(0, Math.min(bins - 1, b))]++;
          n++;
        }
      }
      XYIntervalSeries s = new XYIntervalSeries(e.getKey() + " (n=" + n + ")");
      for (int b = 0; b < bins; b++) {
        double x0 = Math.pow(10, a + b * step);
        double x1 = Math.pow(10, a + (b + 1) * step);
        double share = n == 0 ? 0 : (double) counts[b] / n;
        s.add(Math.sqrt(x0 * x1), x0, x1, share, 0, share);
      }
      data.addSeries(s);
    }
    LogAxis x = logAxis(xLabel);
    x.setRange(Math.pow(10, a), Math.pow(10, a + bins * step));
    NumberAxis y = new NumberAxis("share of samples");
    y.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(java.util.Locale.ROOT));
    style(y);
    XYBarRenderer r = new XYBarRenderer();
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(true);
    for (int i = 0; i < colors.size(); i++) {
      Color c = color(colors.get(i));
      r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
      r.setSeriesOutlinePaint(i, c);
      r.setSeriesOutlineStroke(i, new BasicStroke(1f));
    }
    return svg(id, new XYPlot(data, x, y, r));
  }

  /**
   * Lines through points, one series per entry, with optional dashed companion series.
   *
   * @param id unique chart id
   * @param xLabel x axis label with units
   * @param yLabel y axis label with units
   * @param logX log-scale x axis
   * @param logY log-scale y axis
   * @param lines the series to draw
   */
  public static String lines(String id, String xLabel, String yLabel, boolean logX, boolean logY, List<Line> lines) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    Shape dot = new Ellipse2D.Double(-3.5, -3.5, 7, 7);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      String key = l.name();
      while (used.contains(key)) {
        key = key + " ";
      }
      used.add(key);
      XYSeries s = new XYSeries(key, false, true);
      for (int k = 0; k < l.x().length; k++) {
        if (Double.isFinite(l.y()[k]) && (!logY || l.y()[k] > 0) && (!logX || l.x()[k] > 0)) {
          s.add(l.x()[k], l.y()[k]);
        }
      }
      data.addSeries(s);
      r.setSeriesPaint(i, color(l.color()));
      r.setSeriesShape(i, dot);
      r.setSeriesShapesVisible(i, !l.dashed());
      r.setSeriesStroke(i, l.dashed()
          ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
          : new BasicStroke(2.2f));
    }
    org.jfree.chart.axis.ValueAxis x = logX ? logAxis(xLabel) : linearAxis(xLabel);
    org.jfree.chart.axis.ValueAxis y = logY ? logAxis(yLabel) : linearAxis(yLabel);
    if (!logY && yLabel.contains("accuracy")) {
      ((NumberAxis) y).setRange(0, 1.02);
      ((NumberAxis) y).setTickUnit(new NumberTickUnit(0.2));
    }
    return svg(id, new XYPlot(data, x, y, r));
  }

  /**
   * A scatter plot of points (markers only), one series per {@link Line} (its {@code dashed} flag
   * is ignored), on log or linear axes; points with a non-finite or, on a log axis, non-positive
   * coordinate are left out.
   */
  public static String scatter(String id, String xLabel, String yLabel, boolean log, List<Line> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    Shape dot = new Ellipse2D.Double(-3, -3, 6, 6);
    for (int i = 0; i < series.size(); i++) {
      Line l = series.get(i);
      XYSeries s = new XYSeries(l.name() + " ".repeat(i), false, true);
      for (int k = 0; k < l.x().length; k++) {
        boolean finite = Double.isFinite(l.x()[k]) && Double.isFinite(l.y()[k]);
        if (finite && (!log || (l.x()[k] > 0 && l.y()[k] > 0))) {
          s.add(l.x()[k], l.y()[k]);
        }
      }
      data.addSeries(s);
      r.setSeriesPaint(i, color(l.color()));
      r.setSeriesShape(i, dot);
    }
    org.jfree.chart.axis.ValueAxis x = log ? logAxis(xLabel) : linearAxis(xLabel);
    org.jfree.chart.axis.ValueAxis y = log ? logAxis(yLabel) : linearAxis(yLabel);
    return svg(id, new XYPlot(data, x, y, r));
  }

  /**
   * One line of a {@link #lines} chart.
   *
   * @param name legend entry
   * @param x x values
   * @param y y values, same length (non-finite points are skipped)
   * @param color model colour index
   * @param dashed dashed without markers (predictions) instead of solid with markers (measurements)
   */
  public record Line(String name, double[] x, double[] y, int color, boolean dashed) {}

  private static LogAxis logAxis(String label) {
    LogAxis a = new LogAxis(label);
    a.setBase(10);
    a.setSmallestValue(1e-12);
    a.setNumberFormatOverride(new DecadeFormat());
    a.setTickUnit(new NumberTickUnit(1));
    a.setMinorTickCount(9);
    a.setMinorTickMarksVisible(true);
    style(a);
    return a;
  }

  /** Labels for decade ticks: plain decimals from 0.001 to 10⁵, powers of ten otherwise. */
  private static final class DecadeFormat extends java.text.NumberFormat {
    @Override
    public StringBuffer format(double v, StringBuffer sb, java.text.FieldPosition pos) {
      double a = Math.abs(v);
      if (a == 0 || (a >= 1e-3 && a < 1e5)) {
        return sb.append(new java.text.DecimalFormat("0.######", java.text.DecimalFormatSymbols.getInstance(
            java.util.Locale.ROOT)).format(v));
      }
      long exp = Math.round(Math.log10(a));
      double mant = v / Math.pow(10, exp);
      return sb.append(Math.abs(mant - Math.signum(mant)) < 1e-9 ? (mant < 0 ? "-" : "") + "1e" + exp
          : String.format(java.util.Locale.ROOT, "%.2ge%d", mant, exp));
    }

    @Override
    public StringBuffer format(long v, StringBuffer sb, java.text.FieldPosition pos) {
      return format((double) v, sb, pos);
    }

    @Override
    public Number parse(String source, java.text.ParsePosition pos) {
      throw new UnsupportedOperationException();
    }
  }

  private static NumberAxis linearAxis(String label) {
    NumberAxis a = new NumberAxis(label);
    a.setAutoRangeIncludesZero(true);
    style(a);
    return a;
  }

  private static void style(org.jfree.chart.axis.Axis a) {
    a.setLabelFont(LABEL);
    a.setTickLabelFont(TICK);
    a.setLabelPaint(new Color(0x33383F));
    a.setTickLabelPaint(new Color(0x4A5059));
    a.setAxisLinePaint(new Color(0x9AA1AA));
  }

  private static String svg(String id, XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setOutlineVisible(false);
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setPadding(new RectangleInsets(6, 4, 2, 10));
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(TICK);
    legend.setFrame(BlockBorder.NONE);
    legend.setPosition(RectangleEdge.BOTTOM);
    SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
    g2.setDefsKeyPrefix(id + "-");
    chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g2.getSVGElement(id, true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
  }
}
