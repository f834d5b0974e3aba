package io.lcnn.auditor.diff;

import java.util.Arrays;
import java.util.List;

/**
 * Rules of pooling: MaxPool (its flat N·C·H·W Indices output drives a ScatterElements with
 * reduction=add, so overlapping windows accumulate), AveragePool (a grouped ConvTranspose of
 * ones over the output adjoint divided by each window's element count, counting pads or not),
 * GlobalAveragePool and GlobalMaxPool.
 */
final class PoolingRules {
  private PoolingRules() {}

  static void register(RuleTable t) {
    t.put("MaxPool", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        GraphEmitter e = s.emit();
        String x = s.in(0);
        String flatIdx = s.op("Reshape", s.out(1), e.ints(-1));
        String flatG = s.op("Reshape", s.grad(0), e.ints(-1));
        String zeros = e.op("ConstantOfShape", List.of(s.op("Reshape", s.op("Size", x), e.ints(1))),
            Attrs.t("value", Tensors.real("", s.facts().dtype(x), new long[] {1}, 0.0)));
        String scattered = e.op("ScatterElements", List.of(zeros, flatIdx, flatG),
            Attrs.i("axis", 0), Attrs.s("reduction", "add"));
        s.add(0, e.reshapeLike(scattered, x));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (s.node().getOutputCount() < 2 || s.node().getOutput(1).isEmpty()) {
          return "no Indices output";
        }
        return Attrs.i(s.node(), "storage_order", 0) != 0 ? "storage_order=1" : null;
      }
    });
    t.put("AveragePool", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        String x = s.in(0);
        long[] in = s.shape(x);
        long[] out = s.shape(s.out(0));
        LinearRules.Window w = LinearRules.Window.of(s, Attrs.ints(s.node(), "kernel_shape"));
        boolean includePad = Attrs.i(s.node(), "count_include_pad", 0) != 0;
        int n = in.length - 2;
        long[] outSp = Arrays.copyOfRange(out, 2, out.length);
        double[] counts = new double[Math.toIntExact(product(outSp))];
        for (int flat = 0; flat < counts.length; flat++) {
          long rest = flat;
          double c = 1;
          for (int d = n - 1; d >= 0; d--) {
            long o = rest % outSp[d];
            rest /= outSp[d];
            long lo = includePad ? -w.pads[d] : 0;
            long hi = includePad ? in[d + 2] + w.pads[d + n] : in[d + 2];
            long cnt = 0;
            for (long j = 0; j < w.kernel[d]; j++) {
              long p = o * w.strides[d] - w.pads[d] + j * w.dilations[d];
              if (p >= lo && p < hi) {
                cnt++;
              }
            }
            c *= cnt;
          }
          counts[flat] = c;
        }
        long[] cdims = new long[out.length];
        Arrays.fill(cdims, 1);
        System.arraycopy(outSp, 0, cdims, 2, n);
        int dt = s.facts().dtype(x);
        String divisor = s.emit().tensor(dt, cdims, counts);
        long channels = in[1];
        long[] wdims = new long[in.length];
        wdims[0] = channels;
        wdims[1] = 1;
        System.arraycopy(w.kernel, 0, wdims, 2, n);
        double[] ones = new double[Math.toIntExact(product(wdims))];
        Arrays.fill(ones, 1);
        String weights = s.emit().tensor(dt, wdims, ones);
        long[] pads = w.pads.clone();
        long[] outputPadding = w.outputPadding.clone();
        for (int d = 0; d < n; d++) {
          if (outputPadding[d] < 0) {
            pads[d + n] -= outputPadding[d];
            outputPadding[d] = 0;
          }
        }
        s.add(0, s.emit().op("ConvTranspose", List.of(s.op("Div", s.grad(0), divisor), weights),
            Attrs.ints("kernel_shape", w.kernel), Attrs.ints("strides", w.strides), Attrs.ints("dilations", w.dilations),
            Attrs.ints("pads", pads), Attrs.ints("output_padding", outputPadding), Attrs.i("group", channels)));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (!LinearRules.Window.staticSpatial(s, s.in(0)) || s.shape(s.in(0))[1] < 0) {
          return "channels and spatial size are not static";
        }
        LinearRules.Window w = LinearRules.Window.of(s, Attrs.ints(s.node(), "kernel_shape"));
        for (int i = 0; i < w.outputPadding.length; i++) {
          if (w.outputPadding[i] >= Math.max(w.strides[i], w.dilations[i])) {
            return "input positions past the last window exceed the stride";
          }
          if (w.outputPadding[i] < 0 && Attrs.i(s.node(), "count_include_pad", 0) != 0) {
            return "ceil_mode windows past the padded input with count_include_pad";
          }
        }
        return null;
      }
    });
    t.put("GlobalAveragePool", s -> {
      long[] in = s.shape(s.in(0));
      long count = product(Arrays.copyOfRange(in, 2, in.length));
      String scaled = s.op("Div", s.grad(0), s.scalar(count, s.in(0)));
      s.add(0, s.op("Expand", scaled, s.op("Shape", s.in(0))));
    });
    t.put("GlobalMaxPool", s -> {
      String hit = s.op("Equal", s.in(0), s.out(0));
      s.add(0, s.op("Where", hit, s.grad(0), s.scalar(0, s.in(0))));
    });
  }

  static long product(long[] v) {
    long p = 1;
    for (long x : v) {
      p *= x;
    }
    return p;
  }
}
