package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.lcnn.auditor.model.ModelLoadException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Learns the element type and shape of every value of a graph by running it once on ONNX
 * Runtime (CPU) with every intermediate value exposed as an output. When the graph's inputs have
 * a dynamic batch axis, it runs with batch 1 and batch 2 and marks the axes that changed as -1.
 * Inputs are filled with pseudo-random values in [0, 1) (float) or zeros (integer).
 *
 * <p>Small values computed in the graph that do not depend on the values of the inputs (shape
 * arithmetic: Shape → Gather → Concat → Reshape targets, pads, slice bounds, split sizes, Resize
 * scales) and come out the same at both batch sizes are folded: they are recorded as constants
 * in the facts, so rules treat them like initializers. Values that change with the batch size
 * stay run-time values; rules read them as tensors in the graph.
 */
public final class ShapeProbe {
  /** Largest number of elements of a computed value that is folded into a constant. */
  static final int MAX_FOLDED_ELEMENTS = 4096;

  private ShapeProbe() {}

  /**
   * Probes {@code model}.
   *
   * @param label name of the model, for messages
   */
  public static TensorFacts probe(OnnxMl.ModelProto model, String label) {
    return probe(model, label, true);
  }

  /** Probes {@code model}, folding shape-only values into constants when {@code fold} is set. */
  static TensorFacts probe(OnnxMl.ModelProto model, String label, boolean fold) {
    OnnxMl.GraphProto g = model.getGraph();
    Set<String> inits = new HashSet<>();
    g.getInitializerList().forEach(t -> inits.add(t.getName()));
    boolean dynamicBatch = false;
    for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
      if (!inits.contains(vi.getName())) {
        var dims = vi.getType().getTensorType().getShape().getDimList();
        for (int i = 0; i < dims.size(); i++) {
          if (!dims.get(i).hasDimValue()) {
            if (i != 0) {
              throw new ModelLoadException(label + ": input '" + vi.getName() + "' has a dynamic axis " + i
                  + "; only the batch axis (0) may be dynamic");
            }
            dynamicBatch = true;
          }
        }
      }
    }
    OnnxMl.GraphProto.Builder gb = g.toBuilder();
    Set<String> outs = new HashSet<>();
    gb.getOutputList().forEach(o -> outs.add(o.getName()));
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty() && outs.add(o)) {
          gb.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(o));
        }
      }
    }
    byte[] bytes = model.toBuilder().setGraph(gb).build().toByteArray();
    Map<String, long[]> shapes = new HashMap<>();
    Map<String, Integer> dtypes = new HashMap<>();
    Set<String> foldable = fold ? inputIndependent(g, inits) : Set.of();
    Map<String, OnnxMl.TensorProto> folded = new HashMap<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession s = env.createSession(bytes, o)) {
        Map<String, OnnxMl.TensorProto> values1 = new HashMap<>();
        Map<String, long[]> first = run(env, s, g, inits, 1, dtypes, foldable, values1);
        folded.putAll(values1);
        if (dynamicBatch) {
          Map<String, OnnxMl.TensorProto> values2 = new HashMap<>();
          Map<String, long[]> second = run(env, s, g, inits, 2, dtypes, foldable, values2);
          folded.keySet().retainAll(values2.keySet());
          folded.entrySet().removeIf(e -> !e.getValue().equals(values2.get(e.getKey())));
          for (var e : first.entrySet()) {
            long[] a = e.getValue();
            long[] b = second.get(e.getKey());
            long[] m = a.clone();
            for (int i = 0; i < m.length && b != null && b.length == m.length; i++) {
              if (a[i] != b[i]) {
                m[i] = -1;
              }
            }
            shapes.put(e.getKey(), m);
          }
        } else {
          shapes.putAll(first);
        }
      }
    } catch (OrtException e) {
      throw new ModelLoadException(label + ": ONNX Runtime cannot run the graph to learn its shapes: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    TensorFacts f = new TensorFacts(shapes, dtypes);
    f.addConstantsOf(g);
    folded.forEach((name, t) -> {
      if (f.constant(name) == null) {
        f.addConstant(name, t);
      }
    });
    return f;
  }

  /**
   * Node outputs whose values do not depend on the values of the graph's inputs: they read only
   * constants and shapes (Shape and Size outputs depend on the input's shape alone).
   */
  static Set<String> inputIndependent(OnnxMl.GraphProto g, Set<String> inits) {
    Set<String> dependent = new HashSet<>();
    for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
      if (!inits.contains(vi.getName())) {
        dependent.add(vi.getName());
      }
    }
    Set<String> independent = new HashSet<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      boolean shapeOnly = n.getOpType().equals("Shape") || n.getOpType().equals("Size");
      boolean reads = !shapeOnly && NodeInputs.of(n).stream().anyMatch(dependent::contains);
      boolean random = n.getOpType().startsWith("Random") || n.getOpType().equals("Multinomial");
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          (reads || random ? dependent : independent).add(o);
        }
      }
    }
    return independent;
  }

  /** A constant tensor holding the value of a small computed tensor, or null when it is too big or of another type. */
  private static OnnxMl.TensorProto snapshot(String name, OnnxTensor t) {
    TensorInfo ti = t.getInfo();
    if (ti.getNumElements() > MAX_FOLDED_ELEMENTS) {
      return null;
    }
    int dt = onnxType(ti.type);
    if (dt != Tensors.FLOAT && dt != Tensors.DOUBLE && dt != Tensors.INT64 && dt != Tensors.INT32 && dt != Tensors.BOOL) {
      return null;
    }
    java.nio.ByteBuffer b = t.getByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    OnnxMl.TensorProto.Builder p = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(dt)
        .setRawData(com.google.protobuf.ByteString.copyFrom(b));
    for (long d : ti.getShape()) {
      p.addDims(d);
    }
    return p.build();
  }

  private static Map<String, long[]> run(OrtEnvironment env, OrtSession s, OnnxMl.GraphProto g, Set<String> inits,
      int batch, Map<String, Integer> dtypes, Set<String> foldable, Map<String, OnnxMl.TensorProto> values)
      throws OrtException {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    Map<String, long[]> shapes = new HashMap<>();
    Random rnd = new Random(7);
    try {
      for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
        if (inits.contains(vi.getName())) {
          continue;
        }
        var tt = vi.getType().getTensorType();
        long[] shape = tt.getShape().getDimList().stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : batch).toArray();
        int n = Math.toIntExact(io.lcnn.datasets.FloatTensor.numel(shape));
        OnnxTensor t;
        switch (tt.getElemType()) {
          case Tensors.FLOAT -> {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
              v[i] = rnd.nextFloat();
            }
            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
          }
          case Tensors.DOUBLE -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
              v[i] = rnd.nextDouble();
            }
            t = OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
          }
          case Tensors.INT64 -> t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
          default -> throw new OrtException("input '" + vi.getName() + "' has element type " + tt.getElemType()
              + "; only float, double and int64 inputs are supported");
        }
        feeds.put(vi.getName(), t);
        shapes.put(vi.getName(), shape);
        dtypes.put(vi.getName(), tt.getElemType());
      }
      try (OrtSession.Result r = s.run(feeds)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          if (e.getValue().getInfo() instanceof TensorInfo ti) {
            shapes.put(e.getKey(), ti.getShape());
            dtypes.put(e.getKey(), onnxType(ti.type));
            if (foldable.contains(e.getKey()) && e.getValue() instanceof OnnxTensor t) {
              OnnxMl.TensorProto snap = snapshot(e.getKey(), t);
              if (snap != null) {
                values.put(e.getKey(), snap);
              }
            }
          }
        }
      }
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
    return shapes;
  }

  private static int onnxType(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> Tensors.FLOAT;
      case DOUBLE -> Tensors.DOUBLE;
      case INT64 -> Tensors.INT64;
      case INT32 -> Tensors.INT32;
      case BOOL -> Tensors.BOOL;
      case FLOAT16 -> OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
      case BFLOAT16 -> OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
      default -> OnnxMl.TensorProto.DataType.UNDEFINED_VALUE;
    };
  }
}
