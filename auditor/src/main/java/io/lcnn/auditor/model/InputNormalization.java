package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.attack.InputRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Puts a model's preprocessing in front of its graph: a new model whose input (same name, same
 * shape) is pixels in [0, 1], followed by {@code Sub(mean)} and {@code Div(std)} per channel,
 * whose result feeds the original graph. Gradients, curvature and every attack radius of an audit
 * of the new model are then in pixel units of [0, 1]. The new model's metadata says so:
 * {@link #UNITS_KEY} describes the units, {@link #PREPROCESSING_KEY} the prepended nodes,
 * {@link #SOURCE_SHA_KEY} the digest of the file as given, and {@code input_range} becomes
 * {@code 0,1}.
 */
public final class InputNormalization {
  /** Metadata key naming the units of the audited input. */
  public static final String UNITS_KEY = "lcnn.input_units";
  /** Metadata key describing what was prepended. */
  public static final String PREPROCESSING_KEY = "lcnn.preprocessing";
  /** Metadata key with the SHA-256 of the model file before the preprocessing was prepended. */
  public static final String SOURCE_SHA_KEY = "lcnn.source_sha256";

  private static final String NORMALIZED = "lcnn_normalized_input";

  private InputNormalization() {}

  /**
   * @param model the classifier, whose input expects normalized values
   * @param mean per-channel mean, one value or one per channel
   * @param std per-channel standard deviation (positive), one value or one per channel
   * @param steps what was done to the images before (resize, crop), for the metadata; may be empty
   */
  public static OnnxModelFile prepend(OnnxModelFile model, float[] mean, float[] std, String steps) {
    long[] s = model.sampleShape();
    boolean channelsFirst = s.length == 3 && (s[0] == 1 || s[0] == 3);
    boolean channelsLast = !channelsFirst && s.length == 3 && (s[2] == 1 || s[2] == 3);
    if (!channelsFirst && !channelsLast) {
      throw new ModelLoadException(model.path() + ": --mean/--std need an image input [N, C, H, W] or [N, H, W, C] with"
          + " C = 1 or 3; the input's sample shape is " + Arrays.toString(s));
    }
    int c = (int) (channelsFirst ? s[0] : s[2]);
    float[] m = perChannel("--mean", mean, c);
    float[] d = perChannel("--std", std, c);
    for (float v : d) {
      if (!(v > 0)) {
        throw new IllegalArgumentException("--std values must be positive, got " + Arrays.toString(std));
      }
    }
    List<Long> dims = channelsFirst ? List.of((long) c, 1L, 1L) : List.of((long) c);
    String input = model.inputName();
    OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
    ValueRenaming.renameReads(g, input, NORMALIZED);
    for (int i = 0; i < g.getOutputCount(); i++) {
      if (g.getOutput(i).getName().equals(input)) {
        throw new ModelLoadException(model.path() + ": the input " + input + " is also a graph output; cannot prepend preprocessing");
      }
    }
    List<OnnxMl.NodeProto> nodes = new ArrayList<>(g.getNodeList());
    g.clearNode();
    g.addInitializer(constant("lcnn_pixel_mean", dims, m));
    g.addInitializer(constant("lcnn_pixel_std", dims, d));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Sub").setName("lcnn_subtract_mean")
        .addInput(input).addInput("lcnn_pixel_mean").addOutput("lcnn_centered_input"));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Div").setName("lcnn_divide_std")
        .addInput("lcnn_centered_input").addInput("lcnn_pixel_std").addOutput(NORMALIZED));
    g.addAllNode(nodes);
    String what = String.format(Locale.ROOT, "%s(x - mean)/std prepended as Sub/Div nodes, mean %s, std %s",
        steps == null || steps.isEmpty() ? "" : steps + "; ", Arrays.toString(m), Arrays.toString(d));
    return withMetadata(model, model.proto().toBuilder().setGraph(g),
        "pixels in [0, 1] (8-bit value / 255), before the model's normalization", what);
  }

  /**
   * The model unchanged but for its metadata, which says that its input is read as pixels in
   * [0, 1] (for image inputs fed to a graph that normalizes itself).
   *
   * @param steps what was done to the images (resize, crop); may be empty
   */
  public static OnnxModelFile pixelsAsIs(OnnxModelFile model, String steps) {
    return withMetadata(model, model.proto().toBuilder(), "pixels in [0, 1] (8-bit value / 255), the graph's own input",
        (steps == null || steps.isEmpty() ? "" : steps + "; ") + "no normalization prepended");
  }

  private static OnnxModelFile withMetadata(OnnxModelFile model, OnnxMl.ModelProto.Builder out, String units, String what) {
    if (model.opset() < 7) {
      throw new ModelLoadException(model.path() + ": opset " + model.opset() + " has no broadcasting Sub/Div; "
          + "image inputs and --mean/--std need opset 7 or later");
    }
    List<OnnxMl.StringStringEntryProto> md = new ArrayList<>();
    for (OnnxMl.StringStringEntryProto e : out.getMetadataPropsList()) {
      if (!List.of(UNITS_KEY, PREPROCESSING_KEY, SOURCE_SHA_KEY, InputRange.METADATA_KEY).contains(e.getKey())) {
        md.add(e);
      }
    }
    md.add(entry(UNITS_KEY, units));
    md.add(entry(PREPROCESSING_KEY, what));
    md.add(entry(SOURCE_SHA_KEY, model.sha256()));
    md.add(entry(InputRange.METADATA_KEY, "0,1"));
    out.clearMetadataProps().addAllMetadataProps(md);
    return OnnxModelFile.parse(model.path(), out.build().toByteArray());
  }

  /** Parses comma-separated floats for {@code flag}. */
  public static float[] parse(String flag, String spec) {
    String[] p = spec.split(",");
    float[] v = new float[p.length];
    try {
      for (int i = 0; i < p.length; i++) {
        v[i] = Float.parseFloat(p[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be comma-separated numbers, not '" + spec + "'");
    }
    return v;
  }

  private static float[] perChannel(String flag, float[] v, int c) {
    if (v.length == c) {
      return v.clone();
    }
    if (v.length == 1) {
      float[] out = new float[c];
      Arrays.fill(out, v[0]);
      return out;
    }
    throw new IllegalArgumentException(flag + " has " + v.length + " values; the model's input has " + c + " channels");
  }

  private static OnnxMl.TensorProto constant(String name, List<Long> dims, float[] v) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addAllDims(dims);
    for (float x : v) {
      t.addFloatData(x);
    }
    return t.build();
  }

  private static OnnxMl.StringStringEntryProto entry(String k, String v) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }
}
