package io.lcnn.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte form in which per-sample results cross the wire between Spark executors and the
 * driver: a tree of Java records (by their components and canonical constructors), lists, maps
 * (order kept), strings, boxed numbers, booleans, enums and arrays of any of these or of
 * primitives. {@link io.lcnn.auditor.audit.ShardResult} and everything it holds are such records,
 * so they need not implement {@code Serializable}; {@code decode(encode(x))} equals {@code x}
 * component by component, every double bit for bit. Anything else is refused with the class
 * named.
 */
public final class RecordCodec {
  private static final int NULL = 0;
  private static final int INT = 1;
  private static final int LONG = 2;
  private static final int DOUBLE = 3;
  private static final int FLOAT = 4;
  private static final int BOOLEAN = 5;
  private static final int STRING = 6;
  private static final int ARRAY = 7;
  private static final int LIST = 8;
  private static final int MAP = 9;
  private static final int RECORD = 10;
  private static final int ENUM = 11;

  private RecordCodec() {}

  /** The bytes of {@code value}. */
  public static byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The value {@link #encode} wrote, as a {@code type}. */
  public static <T> T decode(byte[] bytes, Class<T> type) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return type.cast(read(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof Integer i) {
      out.writeByte(INT);
      out.writeInt(i);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeLong(Double.doubleToRawLongBits(d));
    } else if (v instanceof Float f) {
      out.writeByte(FLOAT);
      out.writeInt(Float.floatToRawIntBits(f));
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      writeString(out, s);
    } else if (v.getClass().isArray()) {
      writeArray(out, v);
    } else if (v instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (Object x : list) {
        write(out, x);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(out, e.getKey());
        write(out, e.getValue());
      }
    } else if (v instanceof Enum<?> e) {
      out.writeByte(ENUM);
      writeString(out, e.getDeclaringClass().getName());
      writeString(out, e.name());
    } else if (v.getClass().isRecord()) {
      out.writeByte(RECORD);
      writeString(out, v.getClass().getName());
      for (RecordComponent c : v.getClass().getRecordComponents()) {
        write(out, component(c, v));
      }
    } else {
      throw new IllegalArgumentException("cannot encode a " + v.getClass().getName()
          + " (records, lists, maps, strings, numbers, booleans, enums and arrays only)");
    }
  }

  private static void writeArray(DataOutputStream out, Object a) throws IOException {
    out.writeByte(ARRAY);
    Class<?> c = a.getClass().getComponentType();
    writeString(out, c.getName());
    int n = Array.getLength(a);
    out.writeInt(n);
    if (c == double.class) {
      for (double d : (double[]) a) {
        out.writeLong(Double.doubleToRawLongBits(d));
      }
    } else if (c == float.class) {
      for (float f : (float[]) a) {
        out.writeInt(Float.floatToRawIntBits(f));
      }
    } else if (c == int.class) {
      for (int i : (int[]) a) {
        out.writeInt(i);
      }
    } else if (c == long.class) {
      for (long l : (long[]) a) {
        out.writeLong(l);
      }
    } else if (c == boolean.class) {
      for (boolean b : (boolean[]) a) {
        out.writeBoolean(b);
      }
    } else if (c.isPrimitive()) {
      throw new IllegalArgumentException("cannot encode a " + c.getName() + " array");
    } else {
      for (int i = 0; i < n; i++) {
        write(out, Array.get(a, i));
      }
    }
  }

  private static Object read(DataInputStream in) throws IOException {
    int tag = in.readByte();
    return switch (tag) {
      case NULL -> null;
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case DOUBLE -> Double.longBitsToDouble(in.readLong());
      case FLOAT -> Float.intBitsToFloat(in.readInt());
      case BOOLEAN -> in.readBoolean();
      case STRING -> readString(in);
      case ARRAY -> readArray(in);
      case LIST -> {
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read(in));
        }
        yield list;
      }
      case MAP -> {
        int n = in.readInt();
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = read(in);
          map.put(k, read(in));
        }
        yield map;
      }
      case ENUM -> enumValue(type(readString(in)), readString(in));
      case RECORD -> readRecord(in, type(readString(in)));
      default -> throw new IOException("corrupt record bytes: tag " + tag);
    };
  }

  private static Object readArray(DataInputStream in) throws IOException {
    Class<?> c = primitive(readString(in));
    int n = in.readInt();
    Object a = Array.newInstance(c, n);
    for (int i = 0; i < n; i++) {
      if (c == double.class) {
        Array.setDouble(a, i, Double.longBitsToDouble(in.readLong()));
      } else if (c == float.class) {
        Array.setFloat(a, i, Float.intBitsToFloat(in.readInt()));
      } else if (c == int.class) {
        Array.setInt(a, i, in.readInt());
      } else if (c == long.class) {
        Array.setLong(a, i, in.readLong());
      } else if (c == boolean.class) {
        Array.setBoolean(a, i, in.readBoolean());
      } else {
        Array.set(a, i, read(in));
      }
    }
    return a;
  }

  private static Object readRecord(DataInputStream in, Class<?> type) throws IOException {
    RecordComponent[] cs = type.getRecordComponents();
    Class<?>[] types = new Class<?>[cs.length];
    Object[] values = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      values[i] = read(in);
    }
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new IllegalStateException("cannot rebuild a " + type.getName() + ": " + e.getMessage(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot rebuild a " + type.getName() + ": " + e.getCause(), e.getCause());
    }
  }

  private static Object component(RecordComponent c, Object record) {
    try {
      var accessor = c.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(record);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + c, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c + ": " + e.getCause(), e.getCause());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  private static Class<?> primitive(String name) throws IOException {
    return switch (name) {
      case "double" -> double.class;
      case "float" -> float.class;
      case "int" -> int.class;
      case "long" -> long.class;
      case "boolean" -> boolean.class;
      default -> type(name);
    };
  }

  private static Class<?> type(String name) throws IOException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(name, false, loader != null ? loader : RecordCodec.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      try {
        return Class.forName(name, false, RecordCodec.class.getClassLoader());
      } catch (ClassNotFoundException e2) {
        throw new IOException("record bytes name a class this JVM lacks: " + name, e2);
      }
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
