package io.lcnn.auditor.diff;

import java.util.Arrays;

/**
 * Rules of the normalizers that standardize over some axes at inference time:
 * LayerNormalization (axes [axis, rank)), InstanceNormalization (the spatial axes) and
 * GroupNormalization (channel groups and the spatial axes). With
 * x̂ = (x − μ)/σ and ĝ = adjoint ∘ scale, the input adjoint is (ĝ − mean(ĝ) − x̂·mean(ĝ∘x̂))/σ,
 * emitted with ReduceSum, Mul, Sub, Div, Sqrt and Reciprocal so it can be differentiated again.
 */
final class NormalizationRules {
  private NormalizationRules() {}

  static void register(RuleTable t) {
    t.put("GroupNormalization", new GroupNormalization());
    t.put("LayerNormalization", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        int r = s.rank(s.in(0));
        long axis = BackwardStep.axis(Attrs.i(s.node(), "axis", -1), r);
        long[] axes = new long[(int) (r - axis)];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = axis + i;
        }
        String scaled = s.op("Mul", s.grad(0), s.in(1));
        s.add(0, standardizedAdjoint(s, scaled, axes, Attrs.f(s.node(), "epsilon", 1e-5f)));
      }

      @Override
      public String refusal(BackwardStep s) {
        for (int i = 1; i < s.node().getOutputCount(); i++) {
          if (!s.node().getOutput(i).isEmpty()) {
            return "Mean/InvStdDev outputs are used";
          }
        }
        return parameters(s);
      }
    });
    t.put("InstanceNormalization", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        int r = s.rank(s.in(0));
        long[] axes = new long[r - 2];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = i + 2;
        }
        long[] dims = new long[r - 1];
        Arrays.fill(dims, 1);
        dims[0] = -1;
        String scale = s.op("Reshape", s.in(1), s.emit().ints(dims));
        String scaled = s.op("Mul", s.grad(0), scale);
        s.add(0, standardizedAdjoint(s, scaled, axes, Attrs.f(s.node(), "epsilon", 1e-5f)));
      }

      @Override
      public String refusal(BackwardStep s) {
        return parameters(s);
      }
    });
  }

  /**
   * GroupNormalization: x viewed as [N, G, C/G·spatial] is standardized over its last axis. The
   * scale is per group at opset 18 (shape [G]) and per channel from opset 21 (shape [C]).
   */
  private static final class GroupNormalization implements GradientRule {
    @Override
    public void backward(BackwardStep s) {
      GraphEmitter e = s.emit();
      long[] dims = s.shape(s.in(0));
      long groups = Attrs.i(s.node(), "num_groups", 1);
      long count = 1;
      for (int i = 1; i < dims.length; i++) {
        count *= dims[i];
      }
      count /= groups;
      String byGroup = e.ints(0, groups, -1);
      String scaled;
      if (perChannelScale(s)) {
        long[] ones = new long[dims.length - 1];
        Arrays.fill(ones, 1);
        ones[0] = -1;
        scaled = s.op("Reshape", s.op("Mul", s.grad(0), s.op("Reshape", s.in(1), e.ints(ones))), byGroup);
      } else {
        scaled = s.op("Mul", s.op("Reshape", s.grad(0), byGroup), s.op("Reshape", s.in(1), e.ints(-1, 1)));
      }
      String x = s.op("Reshape", s.in(0), byGroup);
      String adj = standardizedAdjoint(s, x, scaled, new long[] {2}, count, Attrs.f(s.node(), "epsilon", 1e-5f));
      s.add(0, e.reshapeLike(adj, s.in(0)));
    }

    @Override
    public String refusal(BackwardStep s) {
      return parameters(s);
    }

    /** Whether the scale has one entry per channel (opset 21) rather than per group (opset 18). */
    private static boolean perChannelScale(BackwardStep s) {
      long[] scale = s.shape(s.in(1));
      long channels = s.shape(s.in(0))[1];
      long groups = Attrs.i(s.node(), "num_groups", 1);
      return scale.length == 1 && scale[0] == channels && (channels != groups || s.emit().opset() >= 21);
    }
  }

  private static String parameters(BackwardStep s) {
    for (int i = 1; i < s.inputs(); i++) {
      if (s.needs(i)) {
        return "scale or bias depends on the input";
      }
    }
    long[] dims = s.shape(s.in(0));
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        return "normalized size is not static";
      }
    }
    return null;
  }

  /** (g − mean(g) − x̂·mean(g∘x̂))/σ over {@code axes} of the node's input x. */
  private static String standardizedAdjoint(BackwardStep s, String g, long[] axes, double eps) {
    long[] dims = s.shape(s.in(0));
    long count = 1;
    for (long a : axes) {
      count *= dims[(int) a];
    }
    return standardizedAdjoint(s, s.in(0), g, axes, count, eps);
  }

  /** The same for a value x whose {@code axes} hold {@code count} elements. */
  private static String standardizedAdjoint(BackwardStep s, String x, String g, long[] axes, long count, double eps) {
    GraphEmitter e = s.emit();
    String n = s.scalar(count, s.in(0));
    String mean = s.op("Div", e.reduceSum(x, axes, true), n);
    String centered = s.op("Sub", x, mean);
    String variance = s.op("Div", e.reduceSum(s.op("Mul", centered, centered), axes, true), n);
    String invStd = s.op("Reciprocal", s.op("Sqrt", s.op("Add", variance, s.scalar(eps, s.in(0)))));
    String xhat = s.op("Mul", centered, invStd);
    String meanG = s.op("Div", e.reduceSum(g, axes, true), n);
    String meanGx = s.op("Div", e.reduceSum(s.op("Mul", g, xhat), axes, true), n);
    String inner = s.op("Sub", s.op("Sub", g, meanG), s.op("Mul", xhat, meanGx));
    return s.op("Mul", inner, invStd);
  }
}
