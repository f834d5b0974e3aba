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
