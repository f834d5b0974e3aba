package io.lcnn.auditor.oracle;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a model whose input declares a fixed batch size N (often 1) take any batch size, so that
 * the audit's batches run in one ONNX Runtime call: the input's and outputs' first axes become
 * dynamic, and every constant Reshape target that bakes N in as its first entry is rewritten to
 * −1 followed by the static sizes that Reshape produced at batch N. The rewritten graph is kept
 * only if, on 2N random samples, it returns the same outputs as the fixed graph run on two
 * batches of N (max difference within {@link #TOLERANCE} of the outputs' scale); otherwise the
 * model is kept as it is, and its callers run it N samples per call.
 */
public final class DynamicBatchView {
  /** Largest max-abs difference between the two graphs, relative to the largest |output|. */
  public static final double TOLERANCE = 1e-5;

  /**
   * The outcome.
   *
   * @param model the model to audit (the rewritten one, or the given one)
   * @param note what was done, for a notice and audit.json; null when the batch axis was dynamic
   */
  public record Result(OnnxModelFile model, String note) {}

  private DynamicBatchView() {}

  /** The fixed batch size the model's input declares, or 0 when its first axis is dynamic. */
  public static int fixedBatch(OnnxModelFile m) {
    for (OnnxMl.ValueInfoProto v : m.proto().getGraph().getInputList()) {
      if (v.getName().equals(m.inputName())) {
        var dims = v.getType().getTensorType().getShape().getDimList();
        return dims.isEmpty() || !dims.get(0).hasDimValue() ? 0 : Math.toIntExact(dims.get(0).getDimValue());
      }
    }
    return 0;
  }

  /** Makes the batch axis of {@code m} dynamic when that provably computes the same function. */
  public static Result relax(OnnxModelFile m, OrtRuntime runtime) {
    int n = fixedBatch(m);
    if (n <= 0) {
      return new Result(m, null);
    }
    long[] sample = m.sampleShape();
    for (long d : sample) {
      if (d <= 0) {
        return new Result(m, kept(n, "its other axes are not fixed"));
      }
    }
    try {
      Map<String, long[]> reshapes = reshapeShapes(m, runtime, n, sample);
      OnnxMl.ModelProto relaxed = rewrite(m.proto(), m.inputName(), n, reshapes);
      String mismatch = compare(m, m.withGraph(relaxed), runtime, n, sample);
      if (mismatch != null) {
        return new Result(m, kept(n, mismatch));
      }
      int rewritten = (int) reshapes.values().stream().filter(s -> s[0] == n).count();
      return new Result(m.withGraph(relaxed), "input batch axis fixed at " + n + ": made dynamic"
          + (rewritten > 0 ? " (" + rewritten + " Reshape target" + (rewritten == 1 ? "" : "s") + " rewritten)" : "")
          + " after checking it on " + 2 * n + " samples against the fixed graph; batches run in one call");
    } catch (OrtException | RuntimeException e) {
      return new Result(m, kept(n, OnnxModelFunction.firstLine(e.getMessage())));
    }
  }

  private static String kept(int n, String why) {
    return "input batch axis fixed at " + n + " and kept (" + why + "): every ONNX Runtime call runs " + n
        + " sample" + (n == 1 ? "" : "s") + ", the last one padded";
  }

  /** The output shapes, at batch n, of Reshapes with a constant target whose first entry is n. */
  private static Map<String, long[]> reshapeShapes(OnnxModelFile m, OrtRuntime runtime, int n, long[] sample)
      throws OrtException {
    OnnxMl.GraphProto g = m.proto().getGraph();
    Map<String, OnnxMl.TensorProto> constants = constants(g);
    List<String> outs = new ArrayList<>();
    for (OnnxMl.NodeProto node : g.getNodeList()) {
      if (node.getOpType().equals("Reshape") && node.getInputCount() > 1 && constants.containsKey(node.getInput(1))) {
        long[] target = Tensors.longs(constants.get(node.getInput(1)));
        if (target.length > 0 && target[0] == n) {
          outs.add(node.getOutput(0));
        }
      }
    }
    Map<String, long[]> shapes = new HashMap<>();
    if (outs.isEmpty()) {
      return shapes;
    }
    OnnxMl.GraphProto.Builder gb = g.toBuilder();
    outs.forEach(o -> gb.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(o)));
    try (OrtSession s = runtime.open(m.proto().toBuilder().setGraph(gb).build().toByteArray())) {
      Map<String, FloatTensor> r = TensorIO.run(s, Map.of(m.inputName(), UniformSamples.of(n, sample, 1)), Map.of(), outs);
      r.forEach((name, t) -> shapes.put(name, t.shape()));
    }
    return shapes;
  }

  private static OnnxMl.ModelProto rewrite(OnnxMl.ModelProto model, String input, int n, Map<String, long[]> reshapes) {
    OnnxMl.ModelProto.Builder b = GraphDifferentiator.withDynamicBatch(model, input).toBuilder();
    OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
    g.clearValueInfo();
    int k = 0;
    for (OnnxMl.NodeProto.Builder node : g.getNodeBuilderList()) {
      long[] shape = node.getOpType().equals("Reshape") ? reshapes.get(node.getOutput(0)) : null;
      if (shape != null && shape.length > 0 && shape[0] == n) {
        long[] target = shape.clone();
        target[0] = -1;
        String name = "lcnn_batch_target_" + (k++);
        g.addInitializer(Tensors.int64(name, new long[] {target.length}, target));
        node.setInput(1, name);
      }
    }
    return b.build();
  }

  /** Null when the relaxed graph on 2n samples matches the fixed graph on two batches of n, else why not. */
  private static String compare(OnnxModelFile fixed, OnnxModelFile relaxed, OrtRuntime runtime, int n, long[] sample) {
    FloatTensor x = UniformSamples.of(2 * n, sample, 2);
    FloatTensor both;
    try (OnnxModelFunction f = new OnnxModelFunction(relaxed, runtime, 2 * n)) {
      both = f.outputs(x);
    }
    FloatTensor each;
    try (OnnxModelFunction f = new OnnxModelFunction(fixed, runtime, n)) {
      each = f.outputs(x);
    }
    if (both.data().length != each.data().length) {
      return "the graph with a dynamic batch gives " + both.data().length + " outputs for " + 2 * n + " samples, not "
          + each.data().length;
    }
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < both.data().length; i++) {
      scale = Math.max(scale, Math.abs(each.data()[i]));
      diff = Math.max(diff, Math.abs((double) both.data()[i] - each.data()[i]));
    }
    return diff <= TOLERANCE * Math.max(scale, 1e-30) ? null
        : "the graph with a dynamic batch differs from the fixed one by " + diff + " on the same samples";
  }

  private static Map<String, OnnxMl.TensorProto> constants(OnnxMl.GraphProto g) {
    Map<String, OnnxMl.TensorProto> c = new HashMap<>();
    g.getInitializerList().forEach(t -> c.put(t.getName(), t));
    for (OnnxMl.NodeProto node : g.getNodeList()) {
      if (node.getOpType().equals("Constant") && node.getAttributeCount() == 1 && node.getAttribute(0).hasT()) {
        c.put(node.getOutput(0), node.getAttribute(0).getT());
      }
    }
    return c;
  }
}
