package io.lcnn.auditor.testmodels;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.oracle.ForwardResult;
import io.lcnn.auditor.oracle.GradientOracle;
import io.lcnn.auditor.oracle.GradientResult;
import io.lcnn.datasets.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A closed-form double-precision oracle for ONNX graphs that are a plain chain of Flatten,
 * Gemm (transB=1), Mul/Div by a scalar constant and Softplus (e.g. the fixture
 * {@code torch-reference/mlp_softplus}), with the cross-entropy loss on the final logits. It
 * reads the weights from the file and differentiates the chain by hand, independently of any
 * ONNX graph differentiation.
 */
public final class SoftplusMlpOracle implements GradientOracle {
  private sealed interface Layer permits Linear, Scale, Softplus {}

  private record Linear(int out, int in, double[] w, double[] b) implements Layer {}

  private record Scale(double factor) implements Layer {}

  private record Softplus() implements Layer {}

  private final List<Layer> layers = new ArrayList<>();

  public SoftplusMlpOracle(Path onnx) throws java.io.IOException {
    OnnxMl.GraphProto g = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx)).getGraph();
    Map<String, OnnxMl.TensorProto> consts = new HashMap<>();
    g.getInitializerList().forEach(t -> consts.put(t.getName(), t));
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      switch (n.getOpType()) {
        case "Constant" -> consts.put(n.getOutput(0), n.getAttribute(0).getT());
        case "Flatten" -> { }
        case "Gemm" -> {
          OnnxMl.TensorProto w = consts.get(n.getInput(1));
          layers.add(new Linear((int) w.getDims(0), (int) w.getDims(1), values(w), values(consts.get(n.getInput(2)))));
        }
        case "Mul" -> layers.add(new Scale(values(consts.get(n.getInput(1)))[0]));
        case "Div" -> layers.add(new Scale(1.0 / values(consts.get(n.getInput(1)))[0]));
        case "Softplus" -> layers.add(new Softplus());
        default -> throw new IllegalArgumentException(onnx + ": op " + n.getOpType() + " is not a plain softplus MLP");
      }
    }
  }

  private static double[] values(OnnxMl.TensorProto t) {
    if (t.getFloatDataCount() > 0) {
      double[] v = new double[t.getFloatDataCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatData(i);
      }
      return v;
    }
    ByteBuffer bb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[bb.remaining() / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = bb.getFloat();
    }
    return v;
  }

  /** Activations after every layer, input first. */
  private List<double[]> activations(float[] x, int off, int d) {
    List<double[]> acts = new ArrayList<>();
    double[] a = new double[d];
    for (int j = 0; j < d; j++) {
      a[j] = x[off + j];
    }
    acts.add(a);
    for (Layer l : layers) {
      double[] next;
      if (l instanceof Linear lin) {
        next = new double[lin.out()];
        for (int o = 0; o < lin.out(); o++) {
          double s = lin.b()[o];
          for (int i = 0; i < lin.in(); i++) {
            s += lin.w()[o * lin.in() + i] * a[i];
          }
          next[o] = s;
        }
      } else if (l instanceof Scale sc) {
        next = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          next[i] = a[i] * sc.factor();
        }
      } else {
        next = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          next[i] = a[i] > 30 ? a[i] : Math.log1p(Math.exp(a[i]));
        }
      }
      acts.add(next);
      a = next;
    }
    return acts;
  }

  private static double ce(double[] z, int y, double[] dz) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    if (dz != null) {
      for (int k = 0; k < z.length; k++) {
        dz[k] = Math.exp(z[k] - m) / s - (k == y ? 1 : 0);
      }
    }
    return m + Math.log(s) - z[y];
  }

  private GradientResult run(FloatTensor x, int[] labels, boolean withGradient) {
    int n = x.batchSize();
    int d = x.sampleSize();
    float[] loss = new float[n];
    float[] grad = withGradient ? new float[x.data().length] : null;
    int k = -1;
    float[] out = null;
    for (int s = 0; s < n; s++) {
      List<double[]> acts = activations(x.data(), s * d, d);
      double[] z = acts.get(acts.size() - 1);
      if (out == null) {
        k = z.length;
        out = new float[n * k];
      }
      for (int j = 0; j < k; j++) {
        out[s * k + j] = (float) z[j];
      }
      double[] g = new double[k];
      loss[s] = (float) ce(z, labels[s], g);
      if (!withGradient) {
        continue;
      }
      for (int li = layers.size() - 1; li >= 0; li--) {
        Layer l = layers.get(li);
        double[] in = acts.get(li);
        if (l instanceof Linear lin) {
          double[] gi = new double[lin.in()];
          for (int o = 0; o < lin.out(); o++) {
            for (int i = 0; i < lin.in(); i++) {
              gi[i] += g[o] * lin.w()[o * lin.in() + i];
            }
          }
          g = gi;
        } else if (l instanceof Scale sc) {
          for (int i = 0; i < g.length; i++) {
            g[i] *= sc.factor();
          }
        } else {
          for (int i = 0; i < g.length; i++) {
            g[i] *= 1.0 / (1.0 + Math.exp(-in[i]));
          }
        }
      }
      for (int j = 0; j < d; j++) {
        grad[s * d + j] = (float) g[j];
      }
    }
    FloatTensor o = new FloatTensor(new long[] {n, k}, out);
    return new GradientResult(loss, o, withGradient ? new FloatTensor(x.shape().clone(), grad) : null);
  }

  @Override
  public ForwardResult forward(FloatTensor x, int[] labels) {
    return run(x, labels, false).forward();
  }

  @Override
  public GradientResult gradient(FloatTensor x, int[] labels) {
    return run(x, labels, true);
  }

  @Override
  public String mode() {
    return "analytic";
  }
}
