package io.lcnn.auditor.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules of ops that move values without arithmetic: Reshape, Flatten, Squeeze, Unsqueeze (the
 * adjoint is reshaped back), Transpose (inverse permutation), Concat ↔ Split, Slice ↔ Pad
 * (unit steps and Pad in constant mode; other steps and pad modes go through a constant index
 * map, see {@link CopyRules}), Expand (summed back), Tile (summed over the copies), and GatherElements ↔
 * ScatterElements. Slice, Pad and Tile whose operands are computed at run time (and not folded by
 * {@link ShapeProbe}) scatter back through the node applied to the input's flat positions.
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
        if (reps == null || java.util.Arrays.stream(dims).filter(d -> d < 0).count() > 1) {
          s.add(0, CopyRules.scatterThrough(s, false));
          return;
        }
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
        if (!staticSlice(s)) {
          s.add(0, CopyRules.scatterThrough(s, false));
          return;
        }
        long[] dims = s.shape(s.in(0));
        int r = dims.length;
        long[] starts = s.facts().constInts(s.in(1));
        long[] ends = s.facts().constInts(s.in(2));
        long[] axes = s.in(3).isEmpty() ? range(starts.length) : s.facts().constInts(s.in(3));
        long[] steps = s.inputs() > 4 && !s.in(4).isEmpty() ? s.facts().constInts(s.in(4)) : null;
        long[] first = new long[r];
        long[] step = new long[r];
        long[] last = dims.clone();
        java.util.Arrays.fill(step, 1);
        for (int k = 0; k < axes.length; k++) {
          int a = (int) BackwardStep.axis(axes[k], r);
          long d = dims[a];
          long st = steps == null ? 1 : steps[k];
          long b = starts[k] < 0 ? starts[k] + d : starts[k];
          long e = ends[k] < 0 ? ends[k] + d : ends[k];
          first[a] = st > 0 ? clamp(b, 0, d) : clamp(b, 0, d - 1);
          last[a] = st > 0 ? clamp(e, 0, d) : clamp(e, -1, d - 1);
          step[a] = st;
        }
        boolean unit = java.util.Arrays.stream(step).allMatch(v -> v == 1);
        if (!unit) {
          long[] out = s.shape(s.out(0));
          s.add(0, CopyRules.scatterBack(s, CopyRules.sources(dims, out, o -> {
            long[] src = new long[r];
            for (int a = 1; a < r; a++) {
              src[a] = first[a] + o[a] * step[a];
            }
            return src;
          })));
          return;
        }
        long[] pads = new long[2 * r];
        for (int a = 0; a < r; a++) {
          pads[a] = first[a];
          pads[a + r] = dims[a] < 0 ? 0 : dims[a] - Math.max(first[a], last[a]);
        }
        s.add(0, s.emit().op("Pad", List.of(s.grad(0), s.emit().ints(pads), s.scalar(0, s.in(0)))));
      }
    });
    t.put("Pad", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        if (!staticPad(s)) {
          s.add(0, CopyRules.scatterThrough(s, false));
          return;
        }
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

  /** Whether the operands of a Slice are constants, along static axes other than the batch axis. */
  private static boolean staticSlice(BackwardStep s) {
    for (int i = 1; i < Math.min(5, s.inputs()); i++) {
      if (!s.in(i).isEmpty() && s.facts().constInts(s.in(i)) == null) {
        return false;
      }
    }
    long[] dims = s.shape(s.in(0));
    long[] starts = s.facts().constInts(s.in(1));
    long[] axes = s.in(3).isEmpty() ? range(starts.length) : s.facts().constInts(s.in(3));
    boolean unit = s.inputs() <= 4 || s.in(4).isEmpty()
        || java.util.Arrays.stream(s.facts().constInts(s.in(4))).allMatch(v -> v == 1);
    for (long a : axes) {
      if (dims[(int) BackwardStep.axis(a, dims.length)] < 0) {
        return false;
      }
    }
    return unit || CopyRules.staticInner(s) == null;
  }

  /** Whether a Pad's pads are non-negative constants (and, for copying modes, static past the batch axis). */
  private static boolean staticPad(BackwardStep s) {
    if (s.facts().constInts(s.in(1)) == null || (s.inputs() > 3 && !s.in(3).isEmpty() && s.facts().constInts(s.in(3)) == null)) {
      return false;
    }
    long[] dims = s.shape(s.in(0));
    long[] pads = fullPads(s, dims.length);
    for (int a = 0; a < dims.length; a++) {
      boolean padded = pads[a] != 0 || pads[a + dims.length] != 0;
      if (pads[a] < 0 || pads[a + dims.length] < 0 || (padded && dims[a] < 0)) {
        return false;
      }
    }
    if (!Attrs.s(s.node(), "mode", "constant").equals("constant")) {
      if (pads[0] != 0 || pads[dims.length] != 0) {
        return false;
      }
      for (int a = 1; a < dims.length; a++) {
        if (dims[a] < 0) {
          return false;
        }
      }
    }
    return true;
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

  /** Adjoint of a reflect/edge/wrap Pad: each output element copies one input element. */
  private static String gatherBack(BackwardStep s, long[] pads, String mode) {
    long[] in = s.shape(s.in(0));
    long[] out = s.shape(s.out(0));
    return CopyRules.scatterBack(s, CopyRules.sources(in, out, o -> {
      long[] src = new long[in.length];
      for (int a = 1; a < in.length; a++) {
        src[a] = source(o[a] - pads[a], in[a], mode);
      }
      return src;
    }));
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

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static long[] unbox(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }
}
