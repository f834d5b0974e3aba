package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.TensorFacts;
import io.lcnn.auditor.geometry.RandomVectors;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The spectral norm ‖A‖₂ of one affine stage x ↦ Ax + b of a graph, by power iteration on AᵀA:
 * the stage's nodes are cut out into their own ONNX model (strides, padding and every other
 * attribute as they are), {@link GraphDifferentiator#vjp} adds the adjoint (u ↦ Aᵀu is the
 * gradient of ⟨output, u⟩), and each step runs v ↦ A v = y(v) − y(0) and then Aᵀ(Av) on ONNX
 * Runtime. Several random starts run as one batch; the estimate √‖AᵀAv‖ (v unit) approaches ‖A‖₂
 * from below, and iteration stops when it changes by less than {@code tolerance} (relative) or
 * after {@code maxIterations} steps.
 */
public final class OperatorNorm {
  /** Default iteration cap. */
  public static final int DEFAULT_MAX_ITERATIONS = 500;

  /** Default relative change at which iteration stops. */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  /** Random starts run together. */
  static final int STARTS = 4;

  private final OrtRuntime runtime;
  private final int maxIterations;
  private final double tolerance;
  private final long seed;

  /** Power iteration with the given cap, relative tolerance and start-vector seed. */
  public OperatorNorm(OrtRuntime runtime, int maxIterations, double tolerance, long seed) {
    this.runtime = runtime;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.seed = seed;
  }

  /** The estimate and the steps it took. */
  public record Estimate(double norm, int iterations) {}

  /**
   * ‖A‖₂ of {@code stage} in {@code model}; 1 for a stage without nodes (the identity).
   *
   * @param facts shapes of the model's values
   */
  public Estimate of(OnnxMl.ModelProto model, LayerChain.LinearStage stage, TensorFacts facts) {
    if (stage.nodes().isEmpty()) {
      return new Estimate(1, 0);
    }
    OnnxMl.ModelProto sub = subgraph(model, stage, facts);
    String label = "linear stage '" + stage.input() + "' → '" + stage.output() + "'";
    DifferentiatedModel dm = GraphDifferentiator.standard().vjp(sub, label);
    long[] inShape = batchOf(facts.shape(stage.input()));
    long[] outShape = batchOf(facts.shape(stage.output()));
    int d = Math.toIntExact(FloatTensor.numel(inShape) / STARTS);
    try (OrtSession s = runtime.open(dm.gradient().toByteArray())) {
      float[] zeroOut = new float[Math.toIntExact(FloatTensor.numel(outShape))];
      float[] bias = run(s, dm, new FloatTensor(inShape, new float[d * STARTS]), zeroOut, outShape).get(dm.output()).data();
      SplittableRandom rng = new SplittableRandom(seed);
      double[][] v = new double[STARTS][];
      for (int k = 0; k < STARTS; k++) {
        v[k] = RandomVectors.gaussianUnit(rng, d);
      }
      double previous = 0;
      for (int it = 1; ; it++) {
        FloatTensor x = pack(v, inShape);
        float[] y = run(s, dm, x, zeroOut, outShape).get(dm.output()).data();
        for (int i = 0; i < y.length; i++) {
          y[i] -= bias[i];
        }
        float[] ata = run(s, dm, x, y, outShape).get(DifferentiatedModel.GRAD).data();
        double best = 0;
        for (int k = 0; k < STARTS; k++) {
          double n2 = 0;
          for (int j = 0; j < d; j++) {
            double w = ata[k * d + j];
            n2 += w * w;
          }
          double n = Math.sqrt(n2);
          best = Math.max(best, n);
          for (int j = 0; j < d; j++) {
            v[k][j] = n == 0 ? v[k][j] : ata[k * d + j] / n;
          }
        }
        double sigma = Math.sqrt(best);
        if (Math.abs(sigma - previous) <= tolerance * sigma || it >= maxIterations) {
          return new Estimate(sigma, it);
        }
        previous = sigma;
      }
    } catch (OrtException e) {
      throw new IllegalStateException(label + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static Map<String, FloatTensor> run(OrtSession s, DifferentiatedModel dm, FloatTensor x, float[] cotangent,
      long[] outShape) {
    return TensorIO.run(s, Map.of(dm.input(), x, DifferentiatedModel.COTANGENT, new FloatTensor(outShape, cotangent)),
        Map.of(), List.of(dm.output(), DifferentiatedModel.GRAD));
  }

  private static long[] batchOf(long[] shape) {
    long[] s = shape.clone();
    s[0] = STARTS;
    return s;
  }

  private static FloatTensor pack(double[][] v, long[] shape) {
    int d = v[0].length;
    float[] out = new float[v.length * d];
    for (int k = 0; k < v.length; k++) {
      for (int j = 0; j < d; j++) {
        out[k * d + j] = (float) v[k][j];
      }
    }
    return new FloatTensor(shape, out);
  }

  /**
   * The stage as a model of its own: input {@code stage.input()} (dynamic batch), its nodes and
   * the constants they read (initializers, Constant nodes and nodes computing constants), output
   * {@code stage.output()}.
   */
  static OnnxMl.ModelProto subgraph(OnnxMl.ModelProto model, LayerChain.LinearStage stage, TensorFacts facts) {
    OnnxMl.GraphProto g = model.getGraph();
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
    g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
    Set<String> inside = new HashSet<>();
    inside.add(stage.input());
    stage.nodes().forEach(n -> inside.addAll(n.getOutputList()));
    Set<OnnxMl.NodeProto> keep = new HashSet<>(stage.nodes());
    Set<String> usedInits = new HashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
    stage.nodes().forEach(n -> todo.addAll(n.getInputList()));
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.isEmpty() || inside.contains(t)) {
        continue;
      }
      if (inits.containsKey(t)) {
        usedInits.add(t);
        continue;
      }
      OnnxMl.NodeProto p = producer.get(t);
      if (p == null) {
        throw new IllegalArgumentException("linear stage '" + stage.input() + "' → '" + stage.output()
            + "' reads '" + t + "', which no node computes");
      }
      if (keep.add(p)) {
        todo.addAll(p.getInputList());
      }
    }
    OnnxMl.GraphProto.Builder b = OnnxMl.GraphProto.newBuilder().setName("stage");
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (keep.contains(n)) {
        b.addNode(n);
      }
    }
    g.getInitializerList().stream().filter(t -> usedInits.contains(t.getName())).forEach(b::addInitializer);
    b.addInput(valueInfo(stage.input(), facts.shape(stage.input())));
    b.addOutput(valueInfo(stage.output(), facts.shape(stage.output())));
    return model.toBuilder().clearMetadataProps().setGraph(b).build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, long[] shape) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.length; i++) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (i == 0 || shape[i] < 0) {
        dim.setDimParam("batch");
      } else {
        dim.setDimValue(shape[i]);
      }
      s.addDim(dim);
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s)))
        .build();
  }
}
