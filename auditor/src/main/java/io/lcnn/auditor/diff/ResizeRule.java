package io.lcnn.auditor.diff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/**
 * Reverse mode of Resize. Nearest mode copies input elements, so its adjoint scatters back
 * through the node applied to the input's flat positions ({@link CopyRules#scatterThrough}; int32
 * positions, which ONNX Runtime's Resize accepts). Linear and cubic modes resize the two inner
 * axes of an NCHW tensor separably: y = A_h · x · A_wᵀ per image, so the adjoint is
 * A_hᵀ · g · A_w. Each matrix A_a (out × in) is the node itself applied, with the same mode,
 * coordinate transform and run-time scale (or size), to the identity laid out as [in, 1, in, 1]:
 * the graph computes the interpolation weights exactly as the forward pass does, and the adjoint
 * is two MatMuls (closed under differentiation). Refused: tf_crop_and_resize, the {@code axes} and
 * {@code keep_aspect_ratio_policy} forms, and linear/cubic resizes of the batch or channel axis
 * or of tensors that are not 4-D with static inner sizes.
 */
final class ResizeRule implements GradientRule {
  @Override
  public void backward(BackwardStep s) {
    if (Attrs.s(s.node(), "mode", "nearest").equals("nearest")) {
      s.add(0, CopyRules.scatterThrough(s, true));
      return;
    }
    String rows = transposedMatrix(s, 2);
    String cols = s.emit().op("Transpose", List.of(transposedMatrix(s, 3)), Attrs.ints("perm", 1, 0));
    s.add(0, s.op("MatMul", s.op("MatMul", rows, s.grad(0)), cols));
  }

  @Override
  public String refusal(BackwardStep s) {
    if (Attrs.s(s.node(), "coordinate_transformation_mode", "half_pixel").equals("tf_crop_and_resize")) {
      return "coordinate_transformation_mode=tf_crop_and_resize";
    }
    if (Attrs.has(s.node(), "axes") || !Attrs.s(s.node(), "keep_aspect_ratio_policy", "stretch").equals("stretch")) {
      return "axes/keep_aspect_ratio_policy forms are not supported";
    }
    if (Attrs.s(s.node(), "mode", "nearest").equals("nearest")) {
      return null;
    }
    long[] in = s.shape(s.in(0));
    long[] out = s.shape(s.out(0));
    if (in.length != 4 || in[2] < 0 || in[3] < 0 || in[1] != out[1] || (in[0] != out[0])) {
      return "linear/cubic resize of other than the two inner axes of a 4-D tensor with static sizes";
    }
    return null;
  }

  /** Whether the node is driven by its scales input (else by its sizes input). */
  private static boolean byScales(BackwardStep s) {
    return s.inputs() < 4 || s.in(3).isEmpty();
  }

  /**
   * Aᵀ (in × out) for axis {@code a} (2 or 3): the node applied to the identity laid out as
   * [in, 1, in, 1] along that axis, reshaped.
   */
  private static String transposedMatrix(BackwardStep s, int a) {
    GraphEmitter e = s.emit();
    long n = s.shape(s.in(0))[a];
    double[] eye = new double[Math.toIntExact(n * n)];
    for (int i = 0; i < n; i++) {
      eye[i * (int) n + i] = 1;
    }
    int dt = s.facts().dtype(s.in(0));
    String identity = e.tensor(dt, new long[] {n, 1, n, 1}, eye);
    List<String> inputs = new ArrayList<>();
    inputs.add(identity);
    inputs.add("");
    if (byScales(s)) {
      String scale = e.op("Slice", s.in(2), e.ints(a), e.ints(a + 1));
      String ones = e.tensor(Tensors.FLOAT, new long[] {2}, new double[] {1, 1});
      String one = e.tensor(Tensors.FLOAT, new long[] {1}, new double[] {1});
      inputs.add(e.op("Concat", List.of(ones, scale, one), Attrs.i("axis", 0)));
    } else {
      inputs.add("");
      String size = e.op("Slice", s.in(3), e.ints(a), e.ints(a + 1));
      inputs.add(e.op("Concat", List.of(e.ints(n, 1), size, e.ints(1)), Attrs.i("axis", 0)));
    }
    String r = e.op("Resize", inputs, s.node().getAttributeList().toArray(OnnxMl.AttributeProto[]::new));
    return e.op("Reshape", r, e.ints(n, -1));
  }
}
