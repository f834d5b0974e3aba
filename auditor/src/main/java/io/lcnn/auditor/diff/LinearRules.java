package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rules of the linear layers: Conv ↔ ConvTranspose (each the other's adjoint, with explicit pads
 * and output padding so the adjoint has the exact input size), Gemm, MatMul and inference-mode
 * BatchNormalization. Gradients flow to the data input only; weights must not depend on x.
 */
final class LinearRules {
  private LinearRules() {}

  static void register(RuleTable t) {
    t.put("Conv", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        Window w = Window.ofConv(s);
        List<AttributeProto> a = w.attrs(s);
        a.add(Attrs.ints("output_padding", w.outputPadding));
        s.add(0, s.emit().op("ConvTranspose", List.of(s.grad(0), s.in(1)), a.toArray(AttributeProto[]::new)));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (s.needs(1) || s.needs(2)) {
          return "weights depend on the input";
        }
        return Window.staticSpatial(s, s.in(0)) ? null : "spatial size is not static";
      }
    });
    t.put("ConvTranspose", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        Window w = Window.ofConvTranspose(s);
        s.add(0, s.emit().op("Conv", List.of(s.grad(0), s.in(1)), w.attrs(s).toArray(AttributeProto[]::new)));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (s.needs(1) || s.needs(2)) {
          return "weights depend on the input";
        }
        if (!Attrs.s(s.node(), "auto_pad", "NOTSET").equals("NOTSET") || Attrs.has(s.node(), "output_shape")) {
          return "auto_pad/output_shape forms are not supported";
        }
        return null;
      }
    });
    t.put("Gemm", s -> {
      double alpha = Attrs.f(s.node(), "alpha", 1f);
      double beta = Attrs.f(s.node(), "beta", 1f);
      long ta = Attrs.i(s.node(), "transA", 0);
      long tb = Attrs.i(s.node(), "transB", 0);
      GraphEmitter e = s.emit();
      String g = s.grad(0);
      String a = s.in(0);
      String b = s.in(1);
      AttributeProto al = Attrs.f("alpha", alpha);
      if (s.needs(0)) {
        s.add(0, ta == 0
            ? e.op("Gemm", List.of(g, b), al, Attrs.i("transA", 0), Attrs.i("transB", 1 - tb))
            : e.op("Gemm", List.of(b, g), al, Attrs.i("transA", tb), Attrs.i("transB", 1)));
      }
      if (s.needs(1)) {
        s.add(1, tb == 0
            ? e.op("Gemm", List.of(a, g), al, Attrs.i("transA", 1 - ta), Attrs.i("transB", 0))
            : e.op("Gemm", List.of(g, a), al, Attrs.i("transA", 1), Attrs.i("transB", ta)));
      }
      if (s.needs(2)) {
        String gc = beta == 1 ? g : s.op("Mul", g, s.scalar(beta, s.out(0)));
        s.addBroadcast(2, gc);
      }
    });
    t.put("MatMul", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] y = s.shape(s.out(0));
        long[] a = s.shape(s.in(0));
        long[] b = s.shape(s.in(1));
        if (s.needs(0)) {
          long[] gs = y.clone();
          gs[gs.length - 1] = a[a.length - 1];
          s.add(0, s.sumTo(s.op("MatMul", s.grad(0), swapLast(s, s.in(1))), gs, s.in(0)));
        }
        if (s.needs(1)) {
          long[] gs = y.clone();
          gs[gs.length - 2] = b[b.length - 2];
          s.add(1, s.sumTo(s.op("MatMul", swapLast(s, s.in(0)), s.grad(0)), gs, s.in(1)));
        }
      }

      @Override
      public String refusal(BackwardStep s) {
        return s.rank(s.in(0)) < 2 || s.rank(s.in(1)) < 2 ? "1-D operands are not supported" : null;
      }
    });
    t.put("BatchNormalization", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        int r = s.rank(s.in(0));
        double eps = Attrs.f(s.node(), "epsilon", 1e-5f);
        String std = s.op("Sqrt", s.op("Add", s.in(4), s.op("CastLike", s.scalar(eps, s.in(0)), s.in(4))));
        String factor = s.op("CastLike", s.op("Div", s.in(1), std), s.in(0));
        long[] dims = new long[r - 1];
        Arrays.fill(dims, 1);
        dims[0] = -1;
        String f = r > 2 ? s.op("Reshape", factor, s.emit().ints(dims)) : factor;
        s.add(0, s.op("Mul", s.grad(0), f));
      }

      @Override
      public String refusal(BackwardStep s) {
        for (int i = 1; i < 5; i++) {
          if (s.needs(i)) {
            return "parameters depend on the input";
          }
        }
        return Attrs.i(s.node(), "training_mode", 0) != 0 ? "training mode" : null;
      }
    });
  }

  private static String swapLast(BackwardStep s, String x) {
    int r = s.rank(x);
    long[] perm = new long[r];
    for (int i = 0; i < r; i++) {
      perm[i] = i;
    }
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return s.emit().op("Transpose", List.of(x), Attrs.ints("perm", perm));
  }

  /** The window geometry of a convolution or pooling node with explicit pads. */
  static final class Window {
    long[] kernel;
    long[] strides;
    long[] dilations;
    long[] pads;
    long[] outputPadding;
    long group;

    static boolean staticSpatial(BackwardStep s, String x) {
      long[] sh = s.facts().shape(x);
      if (sh == null) {
        return false;
      }
      for (int i = 2; i < sh.length; i++) {
        if (sh[i] < 0) {
          return false;
        }
      }
      return true;
    }

    /** Geometry of a window op (Conv or a pool) whose input is in(0) and output out(0). */
    static Window of(BackwardStep s, long[] kernel) {
      Window w = new Window();
      long[] in = s.shape(s.in(0));
      long[] out = s.shape(s.out(0));
      int n = in.length - 2;
      w.kernel = kernel;
      w.strides = orOnes(Attrs.ints(s.node(), "strides"), n);
      w.dilations = orOnes(Attrs.ints(s.node(), "dilations"), n);
      w.group = Attrs.i(s.node(), "group", 1);
      long[] pads = Attrs.ints(s.node(), "pads");
      w.pads = pads == null ? new long[2 * n] : pads;
      String auto = Attrs.s(s.node(), "auto_pad", "NOTSET");
      if (auto.equals("VALID")) {
        w.pads = new long[2 * n];
      } else if (auto.startsWith("SAME")) {
        for (int i = 0; i < n; i++) {
          long o = (in[i + 2] + w.strides[i] - 1) / w.strides[i];
          long total = Math.max(0, (o - 1) * w.strides[i] + (kernel[i] - 1) * w.dilations[i] + 1 - in[i + 2]);
          long small = total / 2;
          w.pads[i] = auto.equals("SAME_UPPER") ? small : total - small;
          w.pads[i + n] = total - w.pads[i];
        }
      }
      w.outputPadding = new long[n];
      for (int i = 0; i < n; i++) {
        long eff = (kernel[i] - 1) * w.dilations[i] + 1;
        w.outputPadding[i] = in[i + 2] - ((out[i + 2] - 1) * w.strides[i] + eff - w.pads[i] - w.pads[i + n]);
      }
      return w;
    }

    static Window ofConv(BackwardStep s) {
      long[] k = Attrs.ints(s.node(), "kernel_shape");
      if (k == null) {
        long[] ws = s.shape(s.in(1));
        k = Arrays.copyOfRange(ws, 2, ws.length);
      }
      return of(s, k);
    }

    static Window ofConvTranspose(BackwardStep s) {
      Window w = new Window();
      long[] ws = s.shape(s.in(1));
      int n = ws.length - 2;
      long[] k = Attrs.ints(s.node(), "kernel_shape");
      w.kernel = k == null ? Arrays.copyOfRange(ws, 2, ws.length) : k;
      w.strides = orOnes(Attrs.ints(s.node(), "strides"), n);
      w.dilations = orOnes(Attrs.ints(s.node(), "dilations"), n);
      w.group = Attrs.i(s.node(), "group", 1);
      long[] pads = Attrs.ints(s.node(), "pads");
      w.pads = pads == null ? new long[2 * n] : pads;
      return w;
    }

    List<AttributeProto> attrs(BackwardStep s) {
      List<AttributeProto> a = new ArrayList<>();
      a.add(Attrs.ints("kernel_shape", kernel));
      a.add(Attrs.ints("strides", strides));
      a.add(Attrs.ints("dilations", dilations));
      a.add(Attrs.ints("pads", pads));
      a.add(Attrs.i("group", group));
      return a;
    }

    private static long[] orOnes(long[] v, int n) {
      if (v != null) {
        return v;
      }
      long[] o = new long[n];
      Arrays.fill(o, 1);
      return o;
    }
  }
}
