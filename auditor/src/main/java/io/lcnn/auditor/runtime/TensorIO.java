package io.lcnn.auditor.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.datasets.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX Runtime session on float32 and int64 inputs and returns float32 outputs as
 * {@link FloatTensor}s, closing every native tensor it made.
 *
 * <p>Inputs are copied into direct buffers that each thread keeps and reuses (ONNX Runtime reads
 * a direct buffer in place): a fresh direct buffer per call is only freed by the garbage
 * collector, and once the direct-memory limit is reached every allocation runs a full GC, which
 * serialized parallel workers.
 */
public final class TensorIO {
  private static final ThreadLocal<Map<String, ByteBuffer>> BUFFERS = ThreadLocal.withInitial(HashMap::new);

  private TensorIO() {}

  /** This thread's direct buffer for input {@code name}, at least {@code bytes} long, cleared. */
  private static ByteBuffer buffer(String name, int bytes) {
    Map<String, ByteBuffer> mine = BUFFERS.get();
    ByteBuffer b = mine.get(name);
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(Math.max(bytes, b == null ? 0 : 2 * b.capacity())).order(ByteOrder.nativeOrder());
      mine.put(name, b);
    }
    b.clear();
    b.limit(bytes);
    return b;
  }

  /**
   * Runs {@code session}.
   *
   * @param floats float32 inputs by name
   * @param int64s int64 inputs by name (1-D, e.g. labels)
   * @param outputs names of the outputs wanted
   * @return the requested outputs, as float32, by name
   */
  public static Map<String, FloatTensor> run(
      OrtSession session,
      Map<String, FloatTensor> floats,
      Map<String, long[]> int64s,
      List<String> outputs) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      for (var e : floats.entrySet()) {
        float[] data = e.getValue().data();
        FloatBuffer fb = buffer(e.getKey(), 4 * data.length).asFloatBuffer();
        fb.put(data).flip();
        in.put(e.getKey(), OnnxTensor.createTensor(env, fb, e.getValue().shape()));
      }
      for (var e : int64s.entrySet()) {
        long[] data = e.getValue();
        LongBuffer lb = buffer(e.getKey(), 8 * data.length).asLongBuffer();
        lb.put(data).flip();
        in.put(e.getKey(), OnnxTensor.createTensor(env, lb, new long[] {data.length}));
      }
      Map<String, FloatTensor> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(in, new java.util.LinkedHashSet<>(outputs))) {
        for (String name : outputs) {
          OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
          if (!(v instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new IllegalStateException("output '" + name + "' is " + v.getInfo() + ", not a float32 tensor");
          }
          long[] shape = t.getInfo().getShape();
          FloatBuffer fb = t.getFloatBuffer();
          float[] data = new float[fb.remaining()];
          fb.get(data);
          out.put(name, new FloatTensor(shape, data));
        }
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }
}
