package io.lcnn.auditor.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules of ops that move values without arithmetic: Reshape, Flatten, Squeeze, Unsqueeze (the
 * adjoint is reshaped back), Transpose (inverse permutation), Concat ↔ Split, Slice ↔ Pad
 * (unit steps; Pad in constant mode, while reflect/edge/wrap scatter-add through a constant
 * index map), Expand (summed back), Tile (summed over the copies), and GatherElements ↔
 * ScatterElements.
 */
final class ShapeRules {
  private ShapeRules() {}

  static void register(RuleTable t) {
    GradientRule reshapeBack = s -> s.add(0, s.emit().reshapeLike(s.grad(0), s.in(0)));
    for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
      t.put(op, reshapeBack);
    }
    t.put("Transpose", s -> {
      int r = s.rank(s.in(0));
      long[] perm = Attrs.ints(s.node(), "perm");
      if (perm == null) {
        perm = new long[r];
        for (int i = 0; i < r; i++) {
          perm[i] = r - 1 - i;
        }
      }
      long[] inv = new long[r];
      for (int i = 0; i < r; i++) {
        inv[(int) perm[i]] = i;
      }
      s.add(0, s.emit().op("Transpose", List.of(s.grad(0)), Attrs.ints("perm", inv)));
    });
    t.put("Expand", s -> s.addBroadcast(0, s.grad(0)));
    t.put("Tile", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] dims = s.shape(s.in(0));
        long[] reps = s.facts().constInts(s.in(1));
        long[] split = new long[2 * dims.length];
        long[] axes = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
          split[2 * i] = reps[i];
          split[2 * i + 1] = dims[i];
          axes[i] = 2L * i;
        }
        String r = s.op("Reshape", s.grad(0), s.emit().ints(split));
        s.add(0, s.emit().reduceSum(r, axes, false));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (s.facts().constInts(s.in(1)) == null) {
          return "repeats are not constants";
        }
        long dynamic = java.util.Arrays.stream(s.shape(s.in(0))).filter(d -> d < 0).count();
        return dynamic > 1 ? "more than one dynamic axis" : null;
      }
    });
    t.put("Concat", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long axis = BackwardStep.axis(Attrs.i(s.node(), "axis", 0), s.rank(s.out(0)));
        long[] sizes = new long[s.inputs()];
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = s.shape(s.in(i))[(int) axis];
        }
        List<String> parts = s.emit().ops("Split", List.of(s.grad(0), s.emit().ints(sizes)), sizes.length,
            Attrs.i("axis", axis));
        for (int i = 0; i < sizes.length; i++) {
          if (s.needs(i)) {
            s.add(i, parts.get(i));
          }
        }
      }

      @Override
      public String refusal(BackwardStep s) {
        long axis = BackwardStep.axis(Attrs.i(s.node(), "axis", 0), s.rank(s.out(0)));
        for (int i = 0; i < s.inputs(); i++) {
          if (s.shape(s.in(i))[(int) axis] < 0) {
            return "concatenation along the batch axis";
          }
        }
        return null;
      }
    });
    t.put("Split", s -> {
      List<String> parts = new ArrayList<>();
      for (int j = 0; j < s.node().getOutputCount(); j++) {
        parts.add(s.gradOrZeros(j));
      }
      long axis = BackwardStep.axis(Attrs.i(s.node(), "axis", 0), s.rank(s.in(0)));
      s.add(0, s.emit().op("Concat", parts, Attrs.i("axis", axis)));
    });
    t.put("Slice", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] dims = s.shape(s.in(0));
        long[] starts = s.facts().constInts(s.in(1));
        long[] ends = s.facts().constInts(s.in(2));
        long[] axes = s.in(3).isEmpty() ? range(starts.length) : s.facts().constInts(s.in(3));
        long[] pads = new long[2 * dims.length];
        for (int k = 0; k < axes.length; k++) {
          int a = (int) BackwardStep.axis(axes[k], dims.length);
          long d = dims[a];
          long b = clamp(starts[k] < 0 ? starts[k] + d : starts[k], d);
          long e = clamp(ends[k] < 0 ? ends[k] + d : ends[k], d);
          pads[a] = b;
          pads[a + dims.length] = d - Math.max(b, e);
        }
        s.add(0, s.emit().op("Pad", List.of(s.grad(0), s.emit().ints(pads), s.scalar(0, s.in(0)))));
      }

      @Override
      public String refusal(BackwardStep s) {
        for (int i = 1; i < Math.min(5, s.inputs()); i++) {
          if (!s.in(i).isEmpty() && s.facts().constInts(s.in(i)) == null) {
            return "starts/ends/axes/steps are not constants";
          }
        }
        if (s.inputs() > 4 && !s.in(4).isEmpty()) {
          for (long st : s.facts().constInts(s.in(4))) {
            if (st != 1) {
              return "steps other than 1";
            }
          }
        }
        long[] dims = s.shape(s.in(0));
        long[] starts = s.facts().constInts(s.in(1));
        long[] axes = s.in(3).isEmpty() ? range(starts.length) : s.facts().constInts(s.in(3));
        for (long a : axes) {
          if (dims[(int) BackwardStep.axis(a, dims.length)] < 0) {
            return "slicing along the batch axis";
          }
        }
        return null;
      }
    });
    t.put("Pad", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] dims = s.shape(s.in(0));
        long[] pads = fullPads(s, dims.length);
        String mode = Attrs.s(s.node(), "mode", "constant");
        if (!mode.equals("constant")) {
          s.add(0, gatherBack(s, pads, mode));
          return;
        }
        List<Long> st = new ArrayList<>();
        List<Long> en = new ArrayList<>();
        List<Long> ax = new ArrayList<>();
        for (int a = 0; a < dims.length; a++) {
          if (pads[a] != 0 || pads[a + dims.length] != 0) {
            st.add(pads[a]);
            en.add(pads[a] + dims[a]);
            ax.add((long) a);
          }
        }
        GraphEmitter e = s.emit();
        s.add(0, ax.isEmpty() ? s.grad(0) : e.op("Slice", List.of(s.grad(0), e.ints(unbox(st)), e.ints(unbox(en)), e.ints(unbox(ax)))));
      }

      @Override
      public String refusal(BackwardStep s) {
        String mode = Attrs.s(s.node(), "mode", "constant");
        if (!List.of("constant", "reflect", "edge", "wrap").contains(mode)) {
          return "mode=" + mode;
        }
        if (s.facts().constInts(s.in(1)) == null || (s.inputs() > 3 && !s.in(3).isEmpty() && s.facts().constInts(s.in(3)) == null)) {
          return "pads are not constants";
        }
        long[] dims = s.shape(s.in(0));
        long[] pads = fullPads(s, dims.length);
        for (long p : pads) {
          if (p < 0) {
            return "negative pads";
          }
        }
        if (!mode.equals("constant")) {
          if (pads[0] != 0 || pads[dims.length] != 0) {
            return "mode=" + mode + " along the batch axis";
          }
          for (int a = 1; a < dims.length; a++) {
            if (dims[a] < 0) {
              return "mode=" + mode + " needs static sizes";
            }
          }
        }
        return s.needs(2) ? "pad value depends on the input" : null;
      }
    });
    t.put("ScatterElements", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        GraphEmitter e = s.emit();
        long axis = Attrs.i(s.node(), "axis", 0);
        String red = Attrs.s(s.node(), "reduction", "none");
        if (s.needs(0)) {
          s.add(0, red.equals("add") ? s.grad(0)
              : e.op("ScatterElements", List.of(s.grad(0), s.in(1), e.zerosLike(s.in(2))), Attrs.i("axis", axis)));
        }
        if (s.needs(2)) {
          s.add(2, e.op("GatherElements", List.of(s.grad(0), s.in(1)), Attrs.i("axis", axis)));
        }
      }

      @Override
      public String refusal(BackwardStep s) {
        String red = Attrs.s(s.node(), "reduction", "none");
        return red.equals("none") || red.equals("add") ? null : "reduction=" + red;
      }
    });
    t.put("GatherElements", s -> {
      GraphEmitter e = s.emit();
      s.add(0, e.op("ScatterElements", List.of(e.zerosLike(s.in(0)), s.in(1), s.grad(0)),
          Attrs.i("axis", Attrs.i(s.node(), "axis", 0)), Attrs.s("reduction", "add")));
    });
  }

  /** Pads as [begin of every axis, end of every axis], expanding the optional axes input. */
  private static long[] fullPads(BackwardStep s, int r) {
    long[] pads = s.facts().constInts(s.in(1));
    if (s.inputs() <= 3 || s.in(3).isEmpty()) {
      return pads;
    }
    long[] axes = s.facts().constInts(s.in(3));
    long[] full = new long[2 * r];
    for (int i = 0; i < axes.length; i++) {
      int a = (int) BackwardStep.axis(axes[i], r);
      full[a] = pads[i];
      full[a + r] = pads[i + axes.length];
    }
    return full;
  }

  /**
   * Adjoint of a reflect/edge/wrap Pad: every output element is a copy of one input element
   * (per sample), so the adjoint scatters-adds the output adjoint back to the source positions,
   * through a constant index map over the non-batch axes.
   */
  private static String gatherBack(BackwardStep s, long[] pads, String mode) {
    long[] in = s.shape(s.in(0));
    long[] out = s.shape(s.out(0));
    int r = in.length;
    int inInner = 1;
    int outInner = 1;
    for (int a = 1; a < r; a++) {
      inInner *= (int) in[a];
      outInner *= (int) out[a];
    }
    long[] index = new long[outInner];
    for (int j = 0; j < outInner; j++) {
      long rest = j;
      long src = 0;
      long stride = 1;
      for (int a = r - 1; a >= 1; a--) {
        long o = rest % out[a];
        rest /= out[a];
        src += source(o - pads[a], in[a], mode) * stride;
        stride *= in[a];
      }
      index[j] = src;
    }
    GraphEmitter e = s.emit();
    String idx = e.op("Reshape", e.ints(index), e.ints(1, outInner));
    String flatG = s.op("Reshape", s.grad(0), e.ints(-1, outInner));
    String flatX = s.op("Reshape", s.in(0), e.ints(-1, inInner));
    String scattered = e.op("ScatterElements", List.of(e.zerosLike(flatX), e.op("Expand", idx, s.op("Shape", flatG)), flatG),
        Attrs.i("axis", 1), Attrs.s("reduction", "add"));
    return e.reshapeLike(scattered, s.in(0));
  }

  /** The input position that output position {@code i} (relative to the unpadded start) copies. */
  private static long source(long i, long d, String mode) {
    return switch (mode) {
      case "edge" -> Math.max(0, Math.min(d - 1, i));
      case "wrap" -> Math.floorMod(i, d);
      default -> {
        long p = i;
        long period = 2 * (d - 1);
        if (period == 0) {
          yield 0;
        }
        p = Math.floorMod(p, period);
        yield p < d ? p : period - p;
      }
    };
  }

  static long[] range(int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static long clamp(long v, long d) {
    return Math.max(0, Math.min(d, v));
  }

  private static long[] unbox(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }
}
