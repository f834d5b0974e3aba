package io.lcnn.auditor.diff;

import java.util.List;

/**
 * Rules of reductions and normalizers: ReduceSum, ReduceMean (the adjoint is broadcast back over
 * the reduced axes), ReduceMax and ReduceMin (to the elements equal to the result), ReduceL1, ReduceL2
 * (x·g/‖x‖, zero where the norm is zero, as in PyTorch) and ReduceSumSquare, Softmax and
 * LogSoftmax (opset ≥ 13 semantics: one axis).
 */
final class ReductionRules {
  private ReductionRules() {}

  static void register(RuleTable t) {
    t.put("ReduceSum", reduction(s -> s.add(0, spread(s, 1))));
    t.put("ReduceMean", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] axes = axes(s);
        long[] dims = s.shape(s.in(0));
        long count = 1;
        for (long a : axes) {
          count *= dims[(int) a];
        }
        s.add(0, spread(s, count));
      }

      @Override
      public String refusal(BackwardStep s) {
        String r = axesRefusal(s);
        if (r != null) {
          return r;
        }
        long[] dims = s.shape(s.in(0));
        for (long a : axes(s)) {
          if (dims[(int) a] < 0) {
            return "mean over the batch axis";
          }
        }
        return null;
      }
    });
    GradientRule extreme = reduction(s -> {
      String y = keptDims(s, s.out(0));
      String g = keptDims(s, s.grad(0));
      String hit = s.op("Equal", s.in(0), y);
      s.add(0, s.op("Where", hit, s.op("Expand", g, s.op("Shape", s.in(0))), s.scalar(0, s.in(0))));
    });
    t.put("ReduceMax", extreme);
    t.put("ReduceMin", extreme);
    t.put("ReduceL2", reduction(s -> {
      String y = keptDims(s, s.out(0));
      String g = keptDims(s, s.grad(0));
      String zero = s.scalar(0, s.in(0));
      String ratio = s.op("Where", s.op("Equal", y, zero), zero, s.op("Div", g, y));
      s.add(0, s.op("Mul", s.in(0), ratio));
    }));
    t.put("ReduceSumSquare", reduction(s -> {
      String g = keptDims(s, s.grad(0));
      s.add(0, s.op("Mul", s.op("Mul", s.in(0), g), s.scalar(2, s.in(0))));
    }));
    t.put("ReduceL1", reduction(s -> s.add(0, s.op("Mul", s.op("Sign", s.in(0)), keptDims(s, s.grad(0))))));
    t.put("Softmax", s -> {
      long axis = Attrs.i(s.node(), "axis", -1);
      String y = s.out(0);
      String dot = s.emit().reduceSum(s.op("Mul", s.grad(0), y), new long[] {axis}, true);
      s.add(0, s.op("Mul", y, s.op("Sub", s.grad(0), dot)));
    });
    t.put("LogSoftmax", s -> {
      long axis = Attrs.i(s.node(), "axis", -1);
      String total = s.emit().reduceSum(s.grad(0), new long[] {axis}, true);
      s.add(0, s.op("Sub", s.grad(0), s.op("Mul", s.op("Exp", s.out(0)), total)));
    });
  }

  /** A reduction's rule: the given backward step, refused when the axes are not constants. */
  private static GradientRule reduction(java.util.function.Consumer<BackwardStep> backward) {
    return new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        backward.accept(s);
      }

      @Override
      public String refusal(BackwardStep s) {
        return axesRefusal(s);
      }
    };
  }

  /** The reduced axes, normalized and sorted; all axes when none are given. */
  static long[] axes(BackwardStep s) {
    int r = s.rank(s.in(0));
    long[] axes = Attrs.ints(s.node(), "axes");
    if (axes == null && s.inputs() > 1 && !s.in(1).isEmpty()) {
      axes = s.facts().constInts(s.in(1));
    }
    if (axes == null || axes.length == 0) {
      axes = ShapeRules.range(r);
    }
    long[] out = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      out[i] = BackwardStep.axis(axes[i], r);
    }
    java.util.Arrays.sort(out);
    return out;
  }

  private static String axesRefusal(BackwardStep s) {
    if (s.inputs() > 1 && !s.in(1).isEmpty() && s.facts().constInts(s.in(1)) == null) {
      return "axes are not constants";
    }
    boolean emptyAxes = Attrs.ints(s.node(), "axes") == null
        && (s.inputs() < 2 || s.in(1).isEmpty() || s.facts().constInts(s.in(1)).length == 0);
    return emptyAxes && Attrs.i(s.node(), "noop_with_empty_axes", 0) != 0 ? "noop_with_empty_axes" : null;
  }

  /** A value shaped like the reduction's output, with the reduced axes put back as size 1 when keepdims=0. */
  private static String keptDims(BackwardStep s, String v) {
    return Attrs.i(s.node(), "keepdims", 1) == 0 ? s.emit().unsqueeze(v, axes(s)) : v;
  }

  /** Broadcasts the output adjoint back over the reduced axes, divided by {@code count}. */
  private static String spread(BackwardStep s, long count) {
    String g = keptDims(s, s.grad(0));
    if (count != 1) {
      g = s.op("Div", g, s.scalar(count, s.in(0)));
    }
    return s.emit().op("Expand", List.of(g, s.op("Shape", s.in(0))));
  }
}
