package io.lcnn.auditor.diff;

import java.util.List;

/**
 * Rules of one-input element-wise ops: activations (Relu, LeakyRelu, PRelu, Elu, Selu, Softplus,
 * Sigmoid, Tanh, HardSigmoid, HardSwish, Gelu (exact and tanh forms), Mish, Erf), Exp, Log, Sqrt, Sin, Cos, Abs, Clip, Reciprocal, Neg,
 * Identity, Dropout (inference), float casts, and the piecewise-constant ops whose derivative
 * is zero. Masks of kinks (x > 0, clip bounds) are boolean values, so a second differentiation
 * treats them as constants.
 */
final class ElementwiseRules {
  /** The cubic coefficient of Gelu's tanh approximation. */
  private static final double GELU_CUBIC = 0.044715;

  private ElementwiseRules() {}

  static void register(RuleTable t) {
    GradientRule pass = s -> s.add(0, s.grad(0));
    t.put("Identity", pass);
    t.put("Dropout", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        s.add(0, s.grad(0));
      }

      @Override
      public String refusal(BackwardStep s) {
        return s.node().getOutputCount() > 1 && !s.node().getOutput(1).isEmpty() ? "mask output is used" : null;
      }
    });
    GradientRule zero = s -> { };
    for (String op : List.of("Sign", "Floor", "Ceil", "Round")) {
      t.put(op, zero);
    }
    t.put("Neg", s -> s.add(0, s.op("Neg", s.grad(0))));
    t.put("Relu", s -> s.add(0, whereElseZero(s, s.op("Greater", s.in(0), s.scalar(0, s.in(0))), s.grad(0))));
    t.put("LeakyRelu", s -> {
      double alpha = Attrs.f(s.node(), "alpha", 0.01f);
      String pos = s.op("Greater", s.in(0), s.scalar(0, s.in(0)));
      s.add(0, s.op("Where", pos, s.grad(0), s.op("Mul", s.grad(0), s.scalar(alpha, s.in(0)))));
    });
    t.put("PRelu", s -> {
      String pos = s.op("Greater", s.in(0), s.scalar(0, s.in(0)));
      if (s.needs(0)) {
        s.addBroadcast(0, s.op("Where", pos, s.grad(0), s.op("Mul", s.grad(0), s.in(1))));
      }
      if (s.needs(1)) {
        s.addBroadcast(1, whereElseZero(s, s.op("Not", pos), s.op("Mul", s.grad(0), s.in(0))));
      }
    });
    t.put("Elu", s -> {
      double alpha = Attrs.f(s.node(), "alpha", 1f);
      String pos = s.op("Greater", s.in(0), s.scalar(0, s.in(0)));
      String neg = s.op("Mul", s.grad(0), s.op("Add", s.out(0), s.scalar(alpha, s.in(0))));
      s.add(0, s.op("Where", pos, s.grad(0), neg));
    });
    t.put("Selu", s -> {
      double alpha = Attrs.f(s.node(), "alpha", 1.67326319217681884765625f);
      double gamma = Attrs.f(s.node(), "gamma", 1.05070102214813232421875f);
      String pos = s.op("Greater", s.in(0), s.scalar(0, s.in(0)));
      String p = s.op("Mul", s.grad(0), s.scalar(gamma, s.in(0)));
      String n = s.op("Mul", s.grad(0), s.op("Add", s.out(0), s.scalar(gamma * alpha, s.in(0))));
      s.add(0, s.op("Where", pos, p, n));
    });
    t.put("Softplus", s -> s.add(0, s.op("Mul", s.grad(0), s.op("Sigmoid", s.in(0)))));
    t.put("Sigmoid", s -> {
      String d = s.op("Mul", s.out(0), s.op("Sub", s.scalar(1, s.out(0)), s.out(0)));
      s.add(0, s.op("Mul", s.grad(0), d));
    });
    t.put("Tanh", s -> {
      String d = s.op("Sub", s.scalar(1, s.out(0)), s.op("Mul", s.out(0), s.out(0)));
      s.add(0, s.op("Mul", s.grad(0), d));
    });
    t.put("HardSigmoid", s -> {
      double alpha = Attrs.f(s.node(), "alpha", 0.2f);
      double beta = Attrs.f(s.node(), "beta", 0.5f);
      String x = s.in(0);
      String lin = s.op("Add", s.op("Mul", x, s.scalar(alpha, x)), s.scalar(beta, x));
      String inside = s.op("And", s.op("Greater", lin, s.scalar(0, x)), s.op("Less", lin, s.scalar(1, x)));
      s.add(0, whereElseZero(s, inside, s.op("Mul", s.grad(0), s.scalar(alpha, x))));
    });
    t.put("HardSwish", s -> {
      String x = s.in(0);
      String mid = s.op("Add", s.op("Mul", x, s.scalar(1.0 / 3.0, x)), s.scalar(0.5, x));
      String d = s.op("Where", s.op("Less", x, s.scalar(-3, x)), s.scalar(0, x),
          s.op("Where", s.op("Greater", x, s.scalar(3, x)), s.scalar(1, x), mid));
      s.add(0, s.op("Mul", s.grad(0), d));
    });
    t.put("Erf", s -> {
      String x = s.in(0);
      String e = s.op("Exp", s.op("Neg", s.op("Mul", x, x)));
      s.add(0, s.op("Mul", s.grad(0), s.op("Mul", e, s.scalar(2 / Math.sqrt(Math.PI), x))));
    });
    t.put("Gelu", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        String x = s.in(0);
        String d;
        if (Attrs.s(s.node(), "approximate", "none").equals("tanh")) {
          double c = Math.sqrt(2 / Math.PI);
          String x2 = s.op("Mul", x, x);
          String u = s.op("Mul", s.op("Add", x, s.op("Mul", s.op("Mul", x2, x), s.scalar(GELU_CUBIC, x))), s.scalar(c, x));
          String th = s.op("Tanh", u);
          String du = s.op("Mul", s.op("Add", s.scalar(1, x), s.op("Mul", x2, s.scalar(3 * GELU_CUBIC, x))), s.scalar(c, x));
          String sech2 = s.op("Sub", s.scalar(1, x), s.op("Mul", th, th));
          d = s.op("Mul", s.op("Add", s.op("Add", s.scalar(1, x), th), s.op("Mul", s.op("Mul", x, sech2), du)), s.scalar(0.5, x));
        } else {
          String cdf = s.op("Mul", s.op("Add", s.scalar(1, x), s.op("Erf", s.op("Mul", x, s.scalar(Math.sqrt(0.5), x)))),
              s.scalar(0.5, x));
          String pdf = s.op("Mul", s.op("Exp", s.op("Mul", s.op("Mul", x, x), s.scalar(-0.5, x))), s.scalar(1 / Math.sqrt(2 * Math.PI), x));
          d = s.op("Add", cdf, s.op("Mul", x, pdf));
        }
        s.add(0, s.op("Mul", s.grad(0), d));
      }

      @Override
      public String refusal(BackwardStep s) {
        String a = Attrs.s(s.node(), "approximate", "none");
        return a.equals("none") || a.equals("tanh") ? null : "approximate=" + a;
      }
    });
    t.put("Mish", s -> {
      String x = s.in(0);
      String th = s.op("Tanh", s.op("Softplus", x));
      String sech2 = s.op("Sub", s.scalar(1, x), s.op("Mul", th, th));
      s.add(0, s.op("Mul", s.grad(0), s.op("Add", th, s.op("Mul", s.op("Mul", x, s.op("Sigmoid", x)), sech2))));
    });
    t.put("Exp", s -> s.add(0, s.op("Mul", s.grad(0), s.out(0))));
    t.put("Sin", s -> s.add(0, s.op("Mul", s.grad(0), s.op("Cos", s.in(0)))));
    t.put("Cos", s -> s.add(0, s.op("Neg", s.op("Mul", s.grad(0), s.op("Sin", s.in(0))))));
    t.put("Log", s -> s.add(0, s.op("Div", s.grad(0), s.in(0))));
    t.put("Sqrt", s -> s.add(0, s.op("Div", s.grad(0), s.op("Mul", s.out(0), s.scalar(2, s.out(0))))));
    t.put("Reciprocal", s -> s.add(0, s.op("Neg", s.op("Mul", s.grad(0), s.op("Mul", s.out(0), s.out(0))))));
    t.put("Abs", s -> s.add(0, s.op("Mul", s.grad(0), s.op("Sign", s.in(0)))));
    t.put("Clip", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        String x = s.in(0);
        String keep = null;
        if (!s.in(1).isEmpty()) {
          keep = s.op("GreaterOrEqual", x, s.in(1));
        }
        if (!s.in(2).isEmpty()) {
          String le = s.op("LessOrEqual", x, s.in(2));
          keep = keep == null ? le : s.op("And", keep, le);
        }
        s.add(0, keep == null ? s.grad(0) : whereElseZero(s, keep, s.grad(0)));
      }

      @Override
      public String refusal(BackwardStep s) {
        return s.needs(1) || s.needs(2) ? "bounds depend on the input" : null;
      }
    });
    GradientRule castBack = s -> s.add(0, s.op("CastLike", s.grad(0), s.in(0)));
    t.put("Cast", castBack);
    t.put("CastLike", castBack);
  }

  /** Where(cond, g, 0): g where cond holds, zero elsewhere. */
  static String whereElseZero(BackwardStep s, String cond, String g) {
    return s.op("Where", cond, g, s.scalar(0, s.in(0)));
  }
}
