package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/** Reads attributes of ONNX nodes (with defaults) and builds attribute protos. */
public final class Attrs {
  private Attrs() {}

  /** The attribute named {@code name}, or null. */
  public static AttributeProto find(OnnxMl.NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** Whether the node carries the attribute. */
  public static boolean has(OnnxMl.NodeProto n, String name) {
    return find(n, name) != null;
  }

  /** INT attribute or default. */
  public static long i(OnnxMl.NodeProto n, String name, long dflt) {
    AttributeProto a = find(n, name);
    return a == null ? dflt : a.getI();
  }

  /** FLOAT attribute or default. */
  public static float f(OnnxMl.NodeProto n, String name, float dflt) {
    AttributeProto a = find(n, name);
    return a == null ? dflt : a.getF();
  }

  /** STRING attribute or default. */
  public static String s(OnnxMl.NodeProto n, String name, String dflt) {
    AttributeProto a = find(n, name);
    return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
  }

  /** INTS attribute, or null when absent. */
  public static long[] ints(OnnxMl.NodeProto n, String name) {
    AttributeProto a = find(n, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** Builds an INT attribute. */
  public static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  /** Builds a FLOAT attribute. */
  public static AttributeProto f(String name, double v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) v).build();
  }

  /** Builds a STRING attribute. */
  public static AttributeProto s(String name, String v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  /** Builds an INTS attribute. */
  public static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }

  /** Builds a TENSOR attribute. */
  public static AttributeProto t(String name, OnnxMl.TensorProto v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(v).build();
  }

  /** The node's attributes without those named. */
  public static OnnxMl.NodeProto.Builder without(OnnxMl.NodeProto n, String... names) {
    OnnxMl.NodeProto.Builder b = n.toBuilder().clearAttribute();
    outer:
    for (AttributeProto a : n.getAttributeList()) {
      for (String x : names) {
        if (a.getName().equals(x)) {
          continue outer;
        }
      }
      b.addAttribute(a);
    }
    return b;
  }
}
