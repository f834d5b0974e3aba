package io.lcnn.auditor.oracle;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Exact input gradients and Hessian-vector products of a classifier's per-sample loss, computed
 * by ONNX Runtime on graphs that {@link GraphDifferentiator} derives from the model: one session
 * for (loss, output, ∂loss/∂x), one for H·v. Any batch size runs in one call per oracle; a model
 * whose batch axis is fixed and cannot be made dynamic runs in chunks of its batch size.
 */
public final class ExactOracles implements AutoCloseable {
  private final DifferentiatedModel graphs;
  private final OrtSession gradientSession;
  private final OrtSession hvpSession;

  private ExactOracles(DifferentiatedModel graphs, OrtSession gradientSession, OrtSession hvpSession) {
    this.graphs = graphs;
    this.gradientSession = gradientSession;
    this.hvpSession = hvpSession;
  }

  /**
   * Builds gradient and HVP graphs and opens their ONNX Runtime sessions.
   *
   * @throws io.lcnn.auditor.diff.UnsupportedOpsException when some node has no rule
   */
  public static ExactOracles create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind) {
    return create(model, runtime, kind, GraphDifferentiator.standard());
  }

  /**
   * Builds gradient and HVP graphs with the given differentiator (e.g. other rules) and opens their
   * ONNX Runtime sessions.
   *
   * @throws io.lcnn.auditor.diff.UnsupportedOpsException when some node has no rule
   */
  public static ExactOracles create(OnnxModelFile model, OrtRuntime runtime, OutputKind kind,
      GraphDifferentiator differentiator) {
    return open(differentiator.classifier(model, kind), runtime, model.path().toString());
  }

  /**
   * Opens sessions on graphs derived before (e.g. once for several workers).
   *
   * @param modelName the model's file, for messages
   */
  public static ExactOracles open(DifferentiatedModel graphs, OrtRuntime runtime, String modelName) {
    OrtSession grad = null;
    try {
      grad = runtime.open(graphs.gradient().toByteArray());
      OrtSession hvp = runtime.open(graphs.hvp().toByteArray());
      return new ExactOracles(graphs, grad, hvp);
    } catch (OrtException e) {
      closeQuietly(grad);
      throw new ModelLoadException(modelName + ": ONNX Runtime rejected the differentiated graph: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** The built gradient and HVP graphs (for tests and for saving with a debug flag). */
  public DifferentiatedModel graphs() {
    return graphs;
  }

  /** Exact gradients; {@code forward} runs the gradient graph for loss and output only. */
  public GradientOracle gradient() {
    return new GradientOracle() {
      @Override
      public GradientResult gradient(FloatTensor x, int[] labels) {
        Map<String, FloatTensor> r = run(gradientSession, x, labels, null,
            List.of(DifferentiatedModel.LOSS, graphs.output(), DifferentiatedModel.GRAD));
        return new GradientResult(r.get(DifferentiatedModel.LOSS).data(), r.get(graphs.output()),
            r.get(DifferentiatedModel.GRAD));
      }

      @Override
      public ForwardResult forward(FloatTensor x, int[] labels) {
        Map<String, FloatTensor> r = run(gradientSession, x, labels, null, List.of(DifferentiatedModel.LOSS, graphs.output()));
        return new ForwardResult(r.get(DifferentiatedModel.LOSS).data(), r.get(graphs.output()));
      }

      @Override
      public String mode() {
        return "exact";
      }
    };
  }

  /** Exact Hessian-vector products, from the twice-differentiated graph. */
  public HvpOracle hvp() {
    return new HvpOracle() {
      @Override
      public FloatTensor hvp(FloatTensor x, int[] labels, FloatTensor v) {
        if (!java.util.Arrays.equals(x.shape(), v.shape())) {
          throw new IllegalArgumentException("directions " + java.util.Arrays.toString(v.shape())
              + " must have the input's shape " + java.util.Arrays.toString(x.shape()));
        }
        return run(hvpSession, x, labels, v, List.of(DifferentiatedModel.HVP)).get(DifferentiatedModel.HVP);
      }

      @Override
      public String mode() {
        return "exact";
      }
    };
  }

  private Map<String, FloatTensor> run(OrtSession s, FloatTensor x, int[] labels, FloatTensor v, List<String> outputs) {
    if (labels.length != x.batchSize()) {
      throw new IllegalArgumentException(labels.length + " labels for a batch of " + x.batchSize());
    }
    long fixed = graphs.fixedBatch();
    if (fixed > 0 && x.batchSize() != fixed) {
      return inChunks(s, x, labels, v, outputs, (int) fixed);
    }
    long[] y = new long[labels.length];
    for (int i = 0; i < y.length; i++) {
      if (labels[i] < 0 || labels[i] >= graphs.classes()) {
        throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, "
            + graphs.classes() + ")");
      }
      y[i] = labels[i];
    }
    Map<String, FloatTensor> floats = v == null ? Map.of(graphs.input(), x)
        : Map.of(graphs.input(), x, DifferentiatedModel.PROBE, v);
    return TensorIO.run(s, floats, Map.of(DifferentiatedModel.LABEL, y), outputs);
  }

  /**
   * Runs a graph whose batch size is fixed at {@code size} on chunks of that size (the last one
   * padded by repeating its last sample) and joins the results along the batch axis.
   */
  private Map<String, FloatTensor> inChunks(OrtSession s, FloatTensor x, int[] labels, FloatTensor v,
      List<String> outputs, int size) {
    int b = x.batchSize();
    Map<String, float[]> joined = new java.util.HashMap<>();
    Map<String, long[]> shapes = new java.util.HashMap<>();
    for (int from = 0; from < b; from += size) {
      int[] pick = new int[size];
      for (int i = 0; i < size; i++) {
        pick[i] = Math.min(from + i, b - 1);
      }
      int[] chunkLabels = new int[size];
      for (int i = 0; i < size; i++) {
        chunkLabels[i] = labels[pick[i]];
      }
      Map<String, FloatTensor> r = run(s, x.select(pick), chunkLabels, v == null ? null : v.select(pick), outputs);
      int valid = Math.min(size, b - from);
      for (String name : outputs) {
        FloatTensor t = r.get(name);
        int per = t.data().length / size;
        float[] all = joined.computeIfAbsent(name, k -> new float[per * b]);
        System.arraycopy(t.data(), 0, all, from * per, valid * per);
        long[] sh = t.shape().clone();
        sh[0] = b;
        shapes.put(name, sh);
      }
    }
    Map<String, FloatTensor> out = new java.util.LinkedHashMap<>();
    for (String name : outputs) {
      out.put(name, new FloatTensor(shapes.get(name), joined.get(name)));
    }
    return out;
  }

  @Override
  public void close() {
    closeQuietly(gradientSession);
    closeQuietly(hvpSession);
  }

  private static void closeQuietly(OrtSession s) {
    if (s != null) {
      try {
        s.close();
      } catch (OrtException e) {
        throw new IllegalStateException("closing an ONNX Runtime session failed: " + e.getMessage(), e);
      }
    }
  }
}
