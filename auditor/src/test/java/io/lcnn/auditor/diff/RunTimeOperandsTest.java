package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.Npy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The run-time adjoints against the folded ones: every op-corpus model (fixtures/op-corpus) whose
 * gradients OpCorpusTest checks against PyTorch is differentiated a second time with no operand
 * folded, so every Pad, Slice, Gather, Tile, Resize and Split operand computed in the graph stays
 * a run-time value and its adjoint must read it from the graph. The vector-Jacobian product and
 * its H·v must agree with the folded graphs' to 1e-5 relative.
 */
class RunTimeOperandsTest {
  private static final List<String> MODELS = List.of("pad_constant_runtime_opset11", "pad_constant_runtime_opset17",
      "pad_reflect_runtime_opset13", "mha_opset13", "mha_opset17", "attention_matmul_opset17",
      "attention_einsum_opset17", "expand_tile_gather_opset17", "split_runtime_opset13", "split_slice_runtime_opset13",
      "resize_nearest_opset13", "resize_bilinear_opset13", "resize_bilinear_align_opset11",
      "resize_bilinear_size_opset17", "cnn_opset13", "pad_tile_slice_batch_dependent_opset13",
      "clip_range_constantofshape_opset13", "upsample_nearest_opset09", "mha_sequence_first_opset17");

  @Test
  void unfoldedRunTimeAdjointsAgreeWithFoldedOnes() throws Exception {
    int runTimePaths = 0;
    for (String name : MODELS) {
      Path d = Path.of(System.getProperty("lcnn.fixtures"), "op-corpus", name);
      OnnxMl.ModelProto model = OnnxModelFile.load(d.resolve("model.onnx")).proto();
      DifferentiatedModel folded = new GraphDifferentiator(RuleTable.standard(), true).vjp(model, name);
      DifferentiatedModel unfolded = new GraphDifferentiator(RuleTable.standard(), false).vjp(model, name);
      if (unfolded.gradient().getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Range"))) {
        runTimePaths++;
      }
      FloatTensor x = Npy.readFloats(d.resolve("inputs.npy"));
      FloatTensor v = Npy.readFloats(d.resolve("probe.npy"));
      double[] a = run(folded, model, x, v);
      double[] b = run(unfolded, model, x, v);
      double err = OpCorpusTest.relErr(b, a);
      assertTrue(err < 1e-5, name + ": run-time and folded adjoints differ, rel err " + err);
    }
    assertTrue(runTimePaths >= 8, "only " + runTimePaths + " models took a run-time adjoint path");
  }

  /** VJP of a fixed random cotangent, followed by H·v, as one vector. */
  private static double[] run(DifferentiatedModel m, OnnxMl.ModelProto model, FloatTensor x, FloatTensor v)
      throws Exception {
    long classes = model.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue();
    long[] cShape = {x.batchSize(), classes};
    double[] cotangent = new double[Math.toIntExact(cShape[0] * cShape[1])];
    Random rnd = new Random(5);
    for (int i = 0; i < cotangent.length; i++) {
      cotangent[i] = rnd.nextGaussian();
    }
    Map<String, double[]> in = Map.of(m.input(), doubles(x), DifferentiatedModel.COTANGENT, cotangent,
        DifferentiatedModel.PROBE, doubles(v));
    Map<String, long[]> shapes = Map.of(m.input(), x.shape(), DifferentiatedModel.COTANGENT, cShape,
        DifferentiatedModel.PROBE, x.shape());
    double[] grad;
    double[] hv;
    try (OrtTestCalls g = new OrtTestCalls(m.gradient(), Tensors.FLOAT)) {
      grad = g.run(Map.of(m.input(), in.get(m.input()), DifferentiatedModel.COTANGENT, cotangent), shapes,
          List.of(DifferentiatedModel.GRAD)).get(DifferentiatedModel.GRAD);
    }
    try (OrtTestCalls h = new OrtTestCalls(m.hvp(), Tensors.FLOAT)) {
      hv = h.run(in, shapes, List.of(DifferentiatedModel.HVP)).get(DifferentiatedModel.HVP);
    }
    double[] both = java.util.Arrays.copyOf(grad, grad.length + hv.length);
    System.arraycopy(hv, 0, both, grad.length, hv.length);
    return both;
  }

  private static double[] doubles(FloatTensor t) {
    double[] d = new double[t.data().length];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.data()[i];
    }
    return d;
  }
}
