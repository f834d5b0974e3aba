package io.lcnn.auditor.diff;

/**
 * Rules of broadcasting arithmetic: Add, Sub, Mul, Div, Pow, Sum and Where. Each operand's
 * adjoint is summed back down to the operand's own shape.
 */
final class ArithmeticRules {
  private ArithmeticRules() {}

  static void register(RuleTable t) {
    t.put("Add", s -> {
      for (int i = 0; i < 2; i++) {
        if (s.needs(i)) {
          s.addBroadcast(i, s.grad(0));
        }
      }
    });
    t.put("Sum", s -> {
      for (int i = 0; i < s.inputs(); i++) {
        if (s.needs(i)) {
          s.addBroadcast(i, s.grad(0));
        }
      }
    });
    t.put("Sub", s -> {
      if (s.needs(0)) {
        s.addBroadcast(0, s.grad(0));
      }
      if (s.needs(1)) {
        s.addBroadcast(1, s.op("Neg", s.grad(0)));
      }
    });
    t.put("Mul", s -> {
      if (s.needs(0)) {
        s.addBroadcast(0, s.op("Mul", s.grad(0), s.in(1)));
      }
      if (s.needs(1)) {
        s.addBroadcast(1, s.op("Mul", s.grad(0), s.in(0)));
      }
    });
    t.put("Div", s -> {
      if (s.needs(0)) {
        s.addBroadcast(0, s.op("Div", s.grad(0), s.in(1)));
      }
      if (s.needs(1)) {
        s.addBroadcast(1, s.op("Neg", s.op("Div", s.op("Mul", s.grad(0), s.out(0)), s.in(1))));
      }
    });
    t.put("Pow", s -> {
      String x = s.in(0);
      String e = s.in(1);
      if (s.needs(0)) {
        String em1 = s.op("Sub", e, s.op("CastLike", s.scalar(1, x), e));
        String d = s.op("Mul", s.op("CastLike", e, x), s.op("Pow", x, em1));
        s.addBroadcast(0, s.op("Mul", s.grad(0), d));
      }
      if (s.needs(1)) {
        s.addBroadcast(1, s.op("Mul", s.grad(0), s.op("Mul", s.out(0), s.op("Log", x))));
      }
    });
    t.put("Where", s -> {
      String zero = s.scalar(0, s.out(0));
      if (s.needs(1)) {
        s.addBroadcast(1, s.op("Where", s.in(0), s.grad(0), zero));
      }
      if (s.needs(2)) {
        s.addBroadcast(2, s.op("Where", s.in(0), zero, s.grad(0)));
      }
    });
  }
}
