package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of small constant ONNX tensors and builds new ones. */
public final class Tensors {
  /** ONNX element types used here. */
  public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  /** float64. */
  public static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
  /** int64. */
  public static final int INT64 = TensorProto.DataType.INT64_VALUE;
  /** int32. */
  public static final int INT32 = TensorProto.DataType.INT32_VALUE;
  /** bool. */
  public static final int BOOL = TensorProto.DataType.BOOL_VALUE;

  private Tensors() {}

  /** Whether the element type is a floating-point type that gradients flow through. */
  public static boolean isFloat(int dtype) {
    return dtype == FLOAT || dtype == DOUBLE || dtype == TensorProto.DataType.FLOAT16_VALUE
        || dtype == TensorProto.DataType.BFLOAT16_VALUE;
  }

  /** Number of elements of a constant tensor. */
  public static long numel(TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n;
  }

  /** Values of an integer or float tensor, as doubles. */
  public static double[] doubles(TensorProto t) {
    int n = Math.toIntExact(numel(t));
    double[] out = new double[n];
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = !t.getRawData().isEmpty();
    for (int i = 0; i < n; i++) {
      switch (t.getDataType()) {
        case FLOAT -> out[i] = hasRaw ? raw.getFloat(4 * i) : t.getFloatData(i);
        case DOUBLE -> out[i] = hasRaw ? raw.getDouble(8 * i) : t.getDoubleData(i);
        case INT64 -> out[i] = hasRaw ? raw.getLong(8 * i) : t.getInt64Data(i);
        case INT32 -> out[i] = hasRaw ? raw.getInt(4 * i) : t.getInt32Data(i);
        case BOOL -> out[i] = hasRaw ? raw.get(i) : t.getInt32Data(i);
        default -> throw new IllegalArgumentException("tensor '" + t.getName() + "': unsupported constant type " + t.getDataType());
      }
    }
    return out;
  }

  /** Values of an integer tensor, as longs. */
  public static long[] longs(TensorProto t) {
    double[] d = doubles(t);
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (long) d[i];
    }
    return out;
  }

  /** An int64 tensor with the given dims. */
  public static TensorProto int64(String name, long[] dims, long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** A float32 or float64 tensor with the given dims. */
  public static TensorProto real(String name, int dtype, long[] dims, double... values) {
    ByteBuffer b;
    if (dtype == DOUBLE) {
      b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        b.putDouble(v);
      }
    } else if (dtype == FLOAT) {
      b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        b.putFloat((float) v);
      }
    } else {
      throw new IllegalArgumentException("constants of element type " + dtype + " are not supported");
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dtype).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** The value tensor of a Constant node (value, value_float(s), value_int(s)), or null. */
  public static TensorProto constantValue(OnnxMl.NodeProto n) {
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT();
        case "value_float":
          return real("", FLOAT, new long[0], a.getF());
        case "value_floats":
          return real("", FLOAT, new long[] {a.getFloatsCount()}, a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
        case "value_int":
          return int64("", new long[0], a.getI());
        case "value_ints":
          return int64("", new long[] {a.getIntsCount()}, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
        default:
          break;
      }
    }
    return null;
  }
}
