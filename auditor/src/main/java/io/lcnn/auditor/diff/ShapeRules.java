package io.lcnn.auditor.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules of ops that move values without arithmetic: Reshape, Flatten, Squeeze, Unsqueeze (the
 * adjoint is reshaped back), Transpose (inverse permutation), Concat ↔ Split, Slice ↔ Pad
 * (constant mode, unit steps), Expand (summed back), Tile (summed over the copies), and
 * GatherElements ↔ ScatterElements.
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
        int r = dims.length;
        long[] pads = s.facts().constInts(s.in(1));
        long[] axes = s.inputs() > 3 && !s.in(3).isEmpty() ? s.facts().constInts(s.in(3)) : range(r);
        int k = axes.length;
        List<Long> st = new ArrayList<>();
        List<Long> en = new ArrayList<>();
        List<Long> ax = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          if (pads[i] != 0 || pads[i + k] != 0) {
            int a = (int) BackwardStep.axis(axes[i], r);
            st.add(pads[i]);
            en.add(pads[i] + dims[a]);
            ax.add((long) a);
          }
        }
        GraphEmitter e = s.emit();
        s.add(0, ax.isEmpty() ? s.grad(0) : e.op("Slice", List.of(s.grad(0), e.ints(unbox(st)), e.ints(unbox(en)), e.ints(unbox(ax)))));
      }

      @Override
      public String refusal(BackwardStep s) {
        if (!Attrs.s(s.node(), "mode", "constant").equals("constant")) {
          return "mode=" + Attrs.s(s.node(), "mode", "");
        }
        long[] pads = s.facts().constInts(s.in(1));
        if (pads == null || (s.inputs() > 3 && !s.in(3).isEmpty() && s.facts().constInts(s.in(3)) == null)) {
          return "pads are not constants";
        }
        for (long p : pads) {
          if (p < 0) {
            return "negative pads";
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
