package io.lcnn.auditor.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reverse mode of Einsum: the adjoint of operand i is the Einsum of the output adjoint with the
 * other operands, written back to operand i's subscripts ({@code "bhqd,bhkd->bhqk"} gives
 * {@code "bhqk,bhkd->bhqd"} for the first operand). Covered: any number of operands, implicit or
 * explicit output, an ellipsis of the same dims in every operand that has one. Refused: a
 * subscript repeated within one operand (diagonals), and a subscript that only operand i carries
 * and the output drops (a sum over one operand's own axis).
 */
final class EinsumRule implements GradientRule {
  @Override
  public void backward(BackwardStep s) {
    Equation eq = Equation.parse(Attrs.s(s.node(), "equation", ""), s.inputs());
    for (int i = 0; i < s.inputs(); i++) {
      if (!s.needs(i)) {
        continue;
      }
      List<String> terms = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      terms.add(eq.output);
      inputs.add(s.grad(0));
      for (int j = 0; j < s.inputs(); j++) {
        if (j != i) {
          terms.add(eq.operands[j]);
          inputs.add(s.in(j));
        }
      }
      String back = String.join(",", terms) + "->" + eq.operands[i];
      s.add(i, s.emit().op("Einsum", inputs, Attrs.s("equation", back)));
    }
  }

  @Override
  public String refusal(BackwardStep s) {
    Equation eq;
    try {
      eq = Equation.parse(Attrs.s(s.node(), "equation", ""), s.inputs());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    long[] ellipsis = null;
    for (int i = 0; i < s.inputs(); i++) {
      String term = eq.operands[i];
      String letters = term.replace("...", "");
      if (letters.chars().distinct().count() != letters.length()) {
        return "a subscript repeats within operand " + i;
      }
      for (char c : letters.toCharArray()) {
        boolean elsewhere = eq.output.indexOf(c) >= 0;
        for (int j = 0; j < s.inputs() && !elsewhere; j++) {
          elsewhere = j != i && eq.operands[j].indexOf(c) >= 0;
        }
        if (!elsewhere) {
          return "subscript '" + c + "' is summed within operand " + i + " alone";
        }
      }
      if (term.contains("...") && !eq.output.contains("...")) {
        return "the ellipsis is summed out";
      }
      if (term.contains("...")) {
        long[] dims = s.shape(s.in(i));
        long[] e = Arrays.copyOfRange(dims, term.indexOf("..."), term.indexOf("...") + dims.length - letters.length());
        if (ellipsis != null && !Arrays.equals(ellipsis, e)) {
          return "the ellipsis broadcasts between operands";
        }
        ellipsis = e;
      }
    }
    return null;
  }

  /** An einsum equation split into operand terms and the (explicit) output term. */
  private record Equation(String[] operands, String output) {
    static Equation parse(String equation, int inputs) {
      String e = equation.replace(" ", "");
      String lhs = e.contains("->") ? e.substring(0, e.indexOf("->")) : e;
      String[] ops = lhs.split(",", -1);
      if (ops.length != inputs) {
        throw new IllegalArgumentException("equation '" + equation + "' does not match " + inputs + " operands");
      }
      String out;
      if (e.contains("->")) {
        out = e.substring(e.indexOf("->") + 2);
      } else {
        StringBuilder b = new StringBuilder(lhs.contains("...") ? "..." : "");
        String letters = lhs.replace("...", "").replace(",", "");
        letters.chars().filter(Character::isLetter).distinct().sorted()
            .filter(c -> letters.indexOf(c) == letters.lastIndexOf(c)).forEach(c -> b.append((char) c));
        out = b.toString();
      }
      return new Equation(ops, out);
    }
  }
}
