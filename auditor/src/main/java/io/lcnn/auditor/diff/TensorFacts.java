package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.Map;

/**
 * What is known about the tensors of one graph: element type and shape of every value (probed by
 * running the graph, see {@link ShapeProbe}; a batch-dependent axis is -1), and the values of
 * constant tensors (initializers and Constant nodes, including those the differentiator adds).
 */
public final class TensorFacts {
  private final Map<String, long[]> shapes;
  private final Map<String, Integer> dtypes;
  private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();

  TensorFacts(Map<String, long[]> shapes, Map<String, Integer> dtypes) {
    this.shapes = shapes;
    this.dtypes = dtypes;
  }

  /** Records a constant tensor under its name. */
  void addConstant(String name, OnnxMl.TensorProto t) {
    constants.put(name, t);
    shapes.putIfAbsent(name, t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    dtypes.putIfAbsent(name, t.getDataType());
  }

  /** Records the constants of a graph: initializers and Constant node outputs. */
  void addConstantsOf(OnnxMl.GraphProtoOrBuilder g) {
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      addConstant(t.getName(), t);
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        OnnxMl.TensorProto v = Tensors.constantValue(n);
        if (v != null) {
          addConstant(n.getOutput(0), v);
        }
      }
    }
  }

  /** Shape of a value (-1 on batch-dependent axes), or null when unknown. */
  public long[] shape(String name) {
    return shapes.get(name);
  }

  /**
   * Bytes per sample of the batch-dependent values (those with a −1 axis): the sum over them of
   * the product of their other axes times the element size. Constants and values whose size does
   * not change with the batch are not counted.
   */
  public long bytesPerSample() {
    long total = 0;
    for (var e : shapes.entrySet()) {
      long[] s = e.getValue();
      if (constants.containsKey(e.getKey()) || s == null || java.util.Arrays.stream(s).noneMatch(d -> d == -1)) {
        continue;
      }
      long n = 1;
      for (long d : s) {
        n *= d == -1 ? 1 : d;
      }
      total += n * elementBytes(dtype(e.getKey()));
    }
    return total;
  }

  /** Bytes of every computed value (not a constant) at the batch size the graph was probed with. */
  public long computedBytes() {
    long total = 0;
    for (var e : shapes.entrySet()) {
      if (!constants.containsKey(e.getKey()) && e.getValue() != null) {
        long n = 1;
        for (long d : e.getValue()) {
          n *= Math.max(d, 1);
        }
        total += n * elementBytes(dtype(e.getKey()));
      }
    }
    return total;
  }

  /** Size in bytes of one element of ONNX type {@code dtype} (4 when unknown). */
  static int elementBytes(int dtype) {
    return switch (dtype) {
      case 2, 3, 9 -> 1; // uint8, int8, bool
      case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
      case 7, 11, 13 -> 8; // int64, double, uint64
      default -> 4; // float, int32, uint32
    };
  }

  /** Rank of a value, or -1 when unknown. */
  public int rank(String name) {
    long[] s = shapes.get(name);
    return s == null ? -1 : s.length;
  }

  /** ONNX element type of a value, or 0 when unknown. */
  public int dtype(String name) {
    return dtypes.getOrDefault(name, 0);
  }

  /** The constant tensor of that name, or null when the value is not a constant. */
  public OnnxMl.TensorProto constant(String name) {
    return constants.get(name);
  }

  /** Integer values of a constant tensor, or null when the value is not constant. */
  public long[] constInts(String name) {
    OnnxMl.TensorProto t = constants.get(name);
    return t == null ? null : Tensors.longs(t);
  }
}
