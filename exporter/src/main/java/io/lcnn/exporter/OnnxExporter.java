package io.lcnn.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.datasets.AtomicFiles;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.Flatten;
import io.lcnn.trainer.layers.GlobalAvgPool;
import io.lcnn.trainer.layers.LipschitzBatchNorm;
import io.lcnn.trainer.layers.ResidualBlock;
import io.lcnn.trainer.layers.SpectralConv2d;
import io.lcnn.trainer.layers.SpectralLinear;
import io.lcnn.trainer.layers.Subsample;
import io.lcnn.trainer.model.ModelFactory;
import io.lcnn.trainer.model.ModelSpec;
import io.lcnn.trainer.train.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trained {@link Network} as an ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}) with input {@value #INPUT} [N, C, H, W] in [0, 1] and output
 * {@value #OUTPUT} [N, classes], N symbolic. Weights are taken exactly as the network uses them in
 * inference mode: spectrally normalized weights W/σ with σ from the stored power-iteration
 * vectors; batch norms (standard and Lipschitz) as a per-channel Mul and Add from running
 * statistics; centered softplus as Div(Sub(Softplus(Mul(x, β)), ln 2), β).
 */
public final class OnnxExporter {
  /** The opset written. */
  public static final int OPSET = 17;
  /** The IR version written. */
  public static final int IR_VERSION = 8;
  /** Graph input name. */
  public static final String INPUT = "input";
  /** Graph output name. */
  public static final String OUTPUT = "logits";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxExporter() {}

  /**
   * The ONNX model of {@code net}; {@code model} is the checkpoint's model.json and
   * {@code record} its training.json (either may be null), both copied into metadata_props.
   */
  public static OnnxMl.ModelProto export(Network net, JsonNode model, JsonNode record) {
    GraphBuilder g = new GraphBuilder();
    ModelSpec spec = net.spec();
    String out = emitSequence(g, net.block(), INPUT);
    OnnxMl.GraphProto graph = g.build("lcnn_" + spec.family().id().replace('-', '_'), INPUT, spec.inputShape(),
        out, OUTPUT, spec.numClasses());
    OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION)
        .setProducerName("lcnn").setProducerVersion(version()).setDomain("io.lcnn").setModelVersion(1)
        .setDocString("Low-curvature toolkit export of a " + spec.family().id() + " ("
            + (spec.lcnn() ? "LCNN" : "standard") + " build)")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph);
    for (Map.Entry<String, String> e : metadata(net, model, record).entrySet()) {
      m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return m.build();
  }

  /** Exports and writes the model to {@code file} atomically. */
  public static void write(Network net, JsonNode model, JsonNode record, Path file) {
    AtomicFiles.write(file, export(net, model, record).toByteArray());
  }

  /** The metadata_props written: recipe, dataset, input range, class names, β, γ, accuracy, records. */
  public static Map<String, String> metadata(Network net, JsonNode model, JsonNode record) {
    Map<String, String> md = new TreeMap<>();
    ModelSpec s = net.spec();
    md.put("lcnn.family", s.family().id());
    md.put("lcnn.build", s.lcnn() ? "lcnn" : "standard");
    md.put("lcnn.width", Double.toString(s.width()));
    md.put("input_range", "0,1");
    md.put("lcnn.input_shape", s.channels() + "," + s.height() + "," + s.widthPixels());
    try {
      md.put("lcnn.betas", JSON.writeValueAsString(activationBetas(net)));
      md.put("lcnn.gammas", JSON.writeValueAsString(io.lcnn.trainer.model.Blocks.gammas(net.block())));
      if (model != null) {
        md.put("lcnn.recipe", model.path("recipe").asText(""));
        md.put("lcnn.dataset", model.path("dataset").asText(""));
        md.put("class_names", JSON.writeValueAsString(model.path("classNames")));
        if (model.has("testAccuracy")) {
          md.put("lcnn.test_accuracy", Double.toString(model.path("testAccuracy").asDouble()));
        }
        md.put("lcnn.model_json", JSON.writeValueAsString(model));
      }
      if (record != null) {
        md.put("lcnn.training_record", JSON.writeValueAsString(record));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return md;
  }

  /** β of every centered softplus (learned or frozen), in forward order. */
  public static double[] activationBetas(Network net) {
    return io.lcnn.trainer.model.Blocks.ofType(net.block(), CenteredSoftplus.class).stream()
        .mapToDouble(CenteredSoftplus::beta).toArray();
  }

  private static String version() {
    String v = OnnxExporter.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String emitSequence(GraphBuilder g, SequentialBlock seq, String in) {
    String x = in;
    for (Block b : seq.getChildren().values()) {
      x = emit(g, b, x);
    }
    return x;
  }

  private static float[] floats(NDArray a) {
    return a.toType(DataType.FLOAT32, false).toFloatArray();
  }

  private static String emit(GraphBuilder g, Block b, String x) {
    if (b instanceof SequentialBlock s) {
      return emitSequence(g, s, x);
    }
    if (b instanceof ResidualBlock r) {
      String main = emitSequence(g, r.mainPath(), x);
      String shortcut = r.shortcutPath().getChildren().isEmpty() ? x : emitSequence(g, r.shortcutPath(), x);
      return emit(g, r.activation(), g.node("Add", List.of(main, shortcut)));
    }
    if (b instanceof SpectralConv2d c) {
      NDArray w = c.normalizedWeight();
      String wName = g.constant("conv_w", floats(w), w.getShape().getShape());
      String bName = c.biasParameter() == null ? null
          : g.constant("conv_b", floats(c.biasParameter().getArray()), c.filters());
      return conv(g, x, wName, bName, c.kernel(), c.stride(), c.padding());
    }
    if (b instanceof Conv2d c) {
      NDArray w = c.getParameters().get("weight").getArray();
      String wName = g.constant("conv_w", floats(w), w.getShape().getShape());
      String bName = c.isIncludeBias()
          ? g.constant("conv_b", floats(c.getParameters().get("bias").getArray()), c.getFilters()) : null;
      if (c.getStride().get(0) != c.getStride().get(1) || c.getPadding().get(0) != c.getPadding().get(1)
          || c.getKernelShape().get(0) != c.getKernelShape().get(1) || c.getGroups() != 1) {
        throw new IllegalArgumentException("only square kernels, strides and paddings with one group are exported");
      }
      return conv(g, x, wName, bName, (int) c.getKernelShape().get(0), (int) c.getStride().get(0),
          (int) c.getPadding().get(0));
    }
    if (b instanceof LipschitzBatchNorm n) {
      double s = n.scaleArray().toType(DataType.FLOAT64, false).getDouble(0);
      double[] mean = n.runningMeanParameter().getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] var = n.runningVarParameter().getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      return scaleShift(g, x, mean, var, null, null, LipschitzBatchNorm.EPS, s);
    }
    if (b instanceof BatchNorm n) {
      double[] gamma = n.getParameters().get("gamma").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] beta = n.getParameters().get("beta").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] mean = n.getParameters().get("runningMean").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] var = n.getParameters().get("runningVar").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
      return scaleShift(g, x, mean, var, gamma, beta, ModelFactory.BN_EPS, 1.0);
    }
    if (b instanceof CenteredSoftplus a) {
      float beta = floats(a.betaArray())[0];
      String betaName = g.constant("beta", new float[] {beta});
      String ln2 = g.constant("ln2", new float[] {(float) Math.log(2.0)});
      String sp = g.node("Softplus", List.of(g.node("Mul", List.of(x, betaName))));
      return g.node("Div", List.of(g.node("Sub", List.of(sp, ln2)), betaName));
    }
    if (b instanceof Flatten) {
      return g.node("Flatten", List.of(x), GraphBuilder.integer("axis", 1));
    }
    if (b instanceof Subsample sub) {
      String starts = g.longConstant("starts", 0, 0);
      String ends = g.longConstant("ends", Long.MAX_VALUE, Long.MAX_VALUE);
      String axes = g.longConstant("axes", 2, 3);
      String steps = g.longConstant("steps", sub.stride(), sub.stride());
      return g.node("Slice", List.of(x, starts, ends, axes, steps));
    }
    if (b instanceof GlobalAvgPool) {
      return g.node("GlobalAveragePool", List.of(x));
    }
    if (b instanceof SpectralLinear l) {
      NDArray w = l.normalizedWeight();
      String wName = g.constant("fc_w", floats(w), w.getShape().getShape());
      String bName = g.constant("fc_b", floats(l.biasParameter().getArray()), l.outFeatures());
      return g.node("Gemm", List.of(x, wName, bName), GraphBuilder.integer("transB", 1));
    }
    throw new IllegalArgumentException("cannot export block " + b.getClass().getSimpleName());
  }

  private static String conv(GraphBuilder g, String x, String w, String bias, int k, int stride, int pad) {
    List<String> in = bias == null ? List.of(x, w) : List.of(x, w, bias);
    return g.node("Conv", in, GraphBuilder.ints("kernel_shape", k, k), GraphBuilder.ints("strides", stride, stride),
        GraphBuilder.ints("pads", pad, pad, pad, pad), GraphBuilder.ints("dilations", 1, 1),
        GraphBuilder.integer("group", 1));
  }

  /** y = x·scale_c + shift_c with scale_c = s·γ_c/sqrt(var_c+eps), shift_c = β_c − mean_c·scale_c. */
  private static String scaleShift(GraphBuilder g, String x, double[] mean, double[] var, double[] gamma,
      double[] beta, double eps, double s) {
    int c = mean.length;
    float[] scale = new float[c];
    float[] shift = new float[c];
    for (int i = 0; i < c; i++) {
      double sc = s * (gamma == null ? 1.0 : gamma[i]) / Math.sqrt(var[i] + eps);
      scale[i] = (float) sc;
      shift[i] = (float) ((beta == null ? 0.0 : beta[i]) - mean[i] * sc);
    }
    String scaled = g.node("Mul", List.of(x, g.constant("bn_scale", scale, 1, c, 1, 1)));
    return g.node("Add", List.of(scaled, g.constant("bn_shift", shift, 1, c, 1, 1)));
  }
}
