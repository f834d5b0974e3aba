package io.lcnn.auditor.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reverse mode of Einsum: the adjoint of operand i is the Einsum of the output adjoint with the
 * other operands, written back to operand i's subscripts ({@code "bhqd,bhkd->bhqk"} gives
 * {@code "bhqk,bhkd->bhqd"} for the first operand). Covered: any number of operands, implicit or
 * explicit output, an ellipsis of the same dims in every operand that has one, subscripts that
 * only operand i carries and the output drops (a sum over the operand's own axis: the adjoint is
 * expanded back over it). Refused: a subscript repeated within one operand (diagonals), such
 * own-axis sums next to an ellipsis, and an operand summed entirely.
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
      String term = eq.operands[i];
      StringBuilder kept = new StringBuilder();
      List<Long> alone = new ArrayList<>();
      for (int k = 0; k < term.length(); k++) {
        if (eq.alone(term.charAt(k), i)) {
          alone.add((long) k);
        } else {
          kept.append(term.charAt(k));
        }
      }
      String back = s.emit().op("Einsum", inputs, Attrs.s("equation", String.join(",", terms) + "->" + kept));
      if (!alone.isEmpty()) {
        long[] axes = alone.stream().mapToLong(Long::longValue).toArray();
        back = s.op("Expand", s.emit().unsqueeze(back, axes), s.op("Shape", s.in(i)));
      }
      s.add(i, back);
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
      final int operand = i;
      long alone = letters.chars().filter(c -> eq.alone((char) c, operand)).count();
      if (alone > 0 && term.contains("...")) {
        return "a subscript is summed within operand " + i + " alone, next to an ellipsis";
      }
      if (alone > 0 && alone == term.length()) {
        return "operand " + i + " is summed entirely";
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
    /** Whether subscript c of operand i appears in no other operand and not in the output. */
    boolean alone(char c, int i) {
      if (output.indexOf(c) >= 0) {
        return false;
      }
      for (int j = 0; j < operands.length; j++) {
        if (j != i && operands[j].indexOf(c) >= 0) {
          return false;
        }
      }
      return true;
    }

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
