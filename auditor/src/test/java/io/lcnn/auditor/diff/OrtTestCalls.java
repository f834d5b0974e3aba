package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs small models on ONNX Runtime (CPU, one thread) with float32 or float64 inputs, as doubles. */
final class OrtTestCalls implements AutoCloseable {
  private final OrtSession session;
  private final int dtype;

  OrtTestCalls(OnnxMl.ModelProto model, int dtype) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      this.session = OrtEnvironment.getEnvironment().createSession(model.toByteArray(), o);
    }
    this.dtype = dtype;
  }

  /** Runs with the given inputs (each with its shape) and returns the named outputs. */
  Map<String, double[]> run(Map<String, double[]> inputs, Map<String, long[]> shapes, List<String> outputs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      for (var e : inputs.entrySet()) {
        double[] v = e.getValue();
        if (dtype == Tensors.DOUBLE) {
          in.put(e.getKey(), OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shapes.get(e.getKey())));
        } else {
          float[] f = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
          }
          in.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shapes.get(e.getKey())));
        }
      }
      Map<String, double[]> out = new HashMap<>();
      try (OrtSession.Result r = session.run(in, new java.util.HashSet<>(outputs))) {
        for (String name : outputs) {
          OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow();
          if (dtype == Tensors.DOUBLE) {
            DoubleBuffer b = t.getDoubleBuffer();
            double[] d = new double[b.remaining()];
            b.get(d);
            out.put(name, d);
          } else {
            FloatBuffer b = t.getFloatBuffer();
            double[] d = new double[b.remaining()];
            for (int i = 0; i < d.length; i++) {
              d[i] = b.get(i);
            }
            out.put(name, d);
          }
        }
      }
      return out;
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
