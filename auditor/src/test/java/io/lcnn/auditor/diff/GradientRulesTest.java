package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import io.lcnn.auditor.model.ModelLoadException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One tiny model per rule (and per important attribute form): y = u², u = OP(pre(x)) with
 * pre = tanh (or sigmoid for ops that need positive inputs), so the Hessian passes through the
 * op's adjoint twice. For L(x) = Σ c·y with a fixed random cotangent c, the VJP gradient is
 * compared with central differences over every input coordinate, and exact H·v with central
 * differences of the gradient graph. Models run in float64 where ONNX Runtime has float64
 * kernels for every op involved, else in float32 with looser tolerances.
 */
class GradientRulesTest {
  private static final Random RND = new Random(11);

  /** One case: name, input shape, whether pre() must be positive, the model's opset, and the op under test. */
  record Case(String name, long[] shape, boolean positive, long opset, BiFunction<TinyModel, String, String> op) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, long[] shape, BiFunction<TinyModel, String, String> op) {
    return new Case(name, shape, false, 17, op);
  }

  static Case opset(long opset, String name, long[] shape, BiFunction<TinyModel, String, String> op) {
    return new Case(name + " (opset " + opset + ")", shape, false, opset, op);
  }

  static Case pos(String name, long[] shape, BiFunction<TinyModel, String, String> op) {
    return new Case(name, shape, true, 17, op);
  }

  static long[] s(long... d) {
    return d;
  }

  static BiFunction<TinyModel, String, String> unary(String op, OnnxMl.AttributeProto... a) {
    return (m, t) -> m.node(op, List.of(t), a);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c("Conv", s(2, 2, 5, 5), (m, t) -> m.node("Conv", List.of(t, m.random(3, 2, 3, 3), m.random(3)))),
        c("Conv groups strides dilations pads", s(2, 4, 7, 6), (m, t) -> m.node("Conv", List.of(t, m.random(4, 2, 2, 3)),
            Attrs.i("group", 2), Attrs.ints("strides", 2, 1), Attrs.ints("dilations", 2, 1), Attrs.ints("pads", 1, 0, 0, 2))),
        c("Conv auto_pad SAME_UPPER stride 2", s(2, 1, 6, 5), (m, t) -> m.node("Conv", List.of(t, m.random(2, 1, 3, 3)),
            Attrs.s("auto_pad", "SAME_UPPER"), Attrs.ints("strides", 2, 2))),
        c("Conv 1-D", s(2, 2, 7), (m, t) -> m.node("Conv", List.of(t, m.random(3, 2, 3)), Attrs.ints("strides", 2))),
        c("ConvTranspose", s(2, 2, 3, 3), (m, t) -> m.node("ConvTranspose", List.of(t, m.random(2, 3, 3, 3)),
            Attrs.ints("strides", 2, 2), Attrs.ints("pads", 1, 1, 0, 0), Attrs.ints("output_padding", 1, 0))),
        c("Gemm", s(3, 4), (m, t) -> m.node("Gemm", List.of(t, m.random(4, 5), m.random(5)))),
        c("Gemm transA transB alpha beta", s(4, 3), (m, t) -> m.node("Gemm", List.of(t, m.random(5, 4), m.random(3, 5)),
            Attrs.i("transA", 1), Attrs.i("transB", 1), Attrs.f("alpha", 0.7), Attrs.f("beta", 1.3))),
        c("Gemm both operands active", s(3, 3), (m, t) -> m.node("Gemm", List.of(t, m.node("Sin", List.of(t)), t),
            Attrs.i("transB", 1))),
        c("MatMul batched", s(2, 3, 4), (m, t) -> m.node("MatMul", List.of(t, m.random(4, 2)))),
        c("MatMul both operands active", s(2, 3, 3), (m, t) -> m.node("MatMul", List.of(t,
            m.node("Transpose", List.of(t), Attrs.ints("perm", 0, 2, 1))))),
        c("Add broadcast", s(2, 3, 4), (m, t) -> m.node("Add", List.of(m.random(4), t))),
        c("Add both active broadcast", s(2, 3, 4), (m, t) -> m.node("Add", List.of(t,
            m.node("ReduceSum", List.of(t, m.ints(1)))))),
        c("Sub", s(2, 3), (m, t) -> m.node("Sub", List.of(m.random(1, 3), m.node("Mul", List.of(t, t))))),
        c("Mul broadcast", s(2, 3, 4), (m, t) -> m.node("Mul", List.of(t, m.node("ReduceMean", List.of(t),
            Attrs.ints("axes", 2))))),
        pos("Div", s(2, 3), (m, t) -> m.node("Div", List.of(m.node("Exp", List.of(t)), m.node("Add", List.of(t, m.real(s(3), 1, 2, 3)))))),
        c("Neg", s(2, 3), unary("Neg")),
        c("Sum", s(2, 3), (m, t) -> m.node("Sum", List.of(t, m.random(3), m.node("Mul", List.of(t, t))))),
        c("Relu", s(2, 5), unary("Relu")),
        c("LeakyRelu", s(2, 5), unary("LeakyRelu", Attrs.f("alpha", 0.1))),
        c("PRelu", s(2, 3, 2), (m, t) -> m.node("PRelu", List.of(t, m.random(3, 1)))),
        c("Elu", s(2, 5), unary("Elu", Attrs.f("alpha", 0.8))),
        c("Selu", s(2, 5), unary("Selu")),
        c("Softplus", s(2, 5), unary("Softplus")),
        c("Sigmoid", s(2, 5), unary("Sigmoid")),
        c("Tanh", s(2, 5), unary("Tanh")),
        c("HardSigmoid", s(2, 5), unary("HardSigmoid", Attrs.f("alpha", 0.9), Attrs.f("beta", 0.4))),
        c("HardSwish", s(2, 5), (m, t) -> m.node("HardSwish", List.of(m.node("Mul", List.of(t, m.real(s(), 4)))))),
        c("Erf (GELU)", s(2, 5), (m, t) -> m.node("Mul", List.of(t, m.node("Erf", List.of(t))))),
        c("Exp", s(2, 5), unary("Exp")),
        pos("Log", s(2, 5), unary("Log")),
        pos("Sqrt", s(2, 5), unary("Sqrt")),
        pos("Pow constant exponent", s(2, 5), (m, t) -> m.node("Pow", List.of(t, m.real(s(), 2.5)))),
        c("Clip", s(2, 5), (m, t) -> m.node("Clip", List.of(t, m.real(s(), -0.3), m.real(s(), 0.4)))),
        c("Abs", s(2, 5), unary("Abs")),
        pos("Reciprocal", s(2, 5), unary("Reciprocal")),
        c("BatchNormalization", s(2, 3, 2, 2), (m, t) -> m.node("BatchNormalization", List.of(t, m.random(3), m.random(3),
            m.random(3), m.real(s(3), 0.5, 1.5, 2.0)))),
        c("MaxPool overlapping", s(2, 2, 5, 5), (m, t) -> m.node("MaxPool", List.of(t), Attrs.ints("kernel_shape", 3, 3),
            Attrs.ints("strides", 1, 2), Attrs.ints("pads", 1, 1, 1, 0))),
        c("MaxPool dilated 1-D", s(2, 2, 9), (m, t) -> m.node("MaxPool", List.of(t), Attrs.ints("kernel_shape", 2),
            Attrs.ints("dilations", 2), Attrs.ints("strides", 2))),
        c("AveragePool count_include_pad=0", s(2, 2, 5, 5), (m, t) -> m.node("AveragePool", List.of(t),
            Attrs.ints("kernel_shape", 3, 2), Attrs.ints("strides", 2, 1), Attrs.ints("pads", 1, 1, 1, 0))),
        c("AveragePool count_include_pad=1", s(2, 2, 5, 5), (m, t) -> m.node("AveragePool", List.of(t),
            Attrs.ints("kernel_shape", 3, 3), Attrs.ints("strides", 2, 2), Attrs.ints("pads", 1, 1, 1, 1),
            Attrs.i("count_include_pad", 1))),
        c("GlobalAveragePool", s(2, 3, 2, 3), unary("GlobalAveragePool")),
        c("GlobalMaxPool", s(2, 3, 2, 3), unary("GlobalMaxPool")),
        c("Max", s(2, 3), (m, t) -> m.node("Max", List.of(t, m.random(3), m.node("Neg", List.of(t))))),
        c("Min", s(2, 3), (m, t) -> m.node("Min", List.of(t, m.random(2, 1)))),
        c("ReduceMax", s(2, 3, 4), unary("ReduceMax", Attrs.ints("axes", 2))),
        c("ReduceMin keepdims=0", s(2, 3, 4), unary("ReduceMin", Attrs.ints("axes", 1), Attrs.i("keepdims", 0))),
        opset(18, "ReduceMax axes input", s(2, 3, 4), (m, t) -> m.node("ReduceMax", List.of(t, m.ints(1, 2)))),
        c("ReduceMean", s(2, 3, 4), unary("ReduceMean", Attrs.ints("axes", 1, -1))),
        c("ReduceSum keepdims=0", s(2, 3, 4), (m, t) -> m.node("ReduceSum", List.of(t, m.ints(1)), Attrs.i("keepdims", 0))),
        c("Flatten", s(2, 3, 2), unary("Flatten", Attrs.i("axis", 2))),
        c("Reshape", s(2, 3, 2), (m, t) -> m.node("Reshape", List.of(t, m.ints(3, -1)))),
        c("Squeeze", s(2, 1, 3), (m, t) -> m.node("Squeeze", List.of(t, m.ints(1)))),
        c("Unsqueeze", s(2, 3), (m, t) -> m.node("Unsqueeze", List.of(t, m.ints(0, 2)))),
        c("Transpose", s(2, 3, 4), unary("Transpose", Attrs.ints("perm", 2, 0, 1))),
        c("Concat", s(2, 3), (m, t) -> m.node("Concat", List.of(t, m.random(2, 2), m.node("Exp", List.of(t))),
            Attrs.i("axis", 1))),
        c("Split", s(2, 5), (m, t) -> {
          List<String> p = m.nodes("Split", List.of(t, m.ints(2, 3)), 2, Attrs.i("axis", 1));
          return m.node("ReduceSum", List.of(p.get(1), m.ints(1)));
        }),
        c("Slice", s(2, 6), (m, t) -> m.node("Slice", List.of(t, m.ints(1), m.ints(-1), m.ints(1)))),
        c("Slice steps 2 and -1", s(2, 5, 4), (m, t) -> m.node("Slice", List.of(t, m.ints(0, -1), m.ints(5, -10),
            m.ints(1, 2), m.ints(2, -1)))),
        c("Gather float data, constant indices", s(2, 4, 3), (m, t) -> m.node("Gather", List.of(t, m.ints2(s(2, 2), 3, 0, -1, 3)),
            Attrs.i("axis", 1))),
        c("Gather scalar index", s(2, 4, 3), (m, t) -> m.node("Gather", List.of(t, m.ints2(s(), 1)), Attrs.i("axis", 2))),
        c("DepthToSpace DCR", s(2, 8, 2, 3), (m, t) -> m.node("DepthToSpace", List.of(t), Attrs.i("blocksize", 2))),
        c("DepthToSpace CRD", s(2, 8, 2, 3), (m, t) -> m.node("DepthToSpace", List.of(t), Attrs.i("blocksize", 2),
            Attrs.s("mode", "CRD"))),
        c("SpaceToDepth", s(2, 2, 4, 6), (m, t) -> m.node("SpaceToDepth", List.of(t), Attrs.i("blocksize", 2))),
        c("Pad constant", s(2, 3), (m, t) -> m.node("Pad", List.of(t, m.ints(0, 1, 1, 2), m.real(s(), 0.5)))),
        c("Pad reflect", s(2, 2, 3, 4), (m, t) -> m.node("Pad", List.of(t, m.ints(0, 0, 2, 1, 0, 0, 1, 3)),
            Attrs.s("mode", "reflect"))),
        c("Pad edge", s(2, 3, 2), (m, t) -> m.node("Pad", List.of(t, m.ints(0, 1, 2, 0, 2, 0)), Attrs.s("mode", "edge"))),
        opset(19, "Pad wrap", s(2, 4), (m, t) -> m.node("Pad", List.of(t, m.ints(0, 3, 0, 2)), Attrs.s("mode", "wrap"))),
        c("Softmax", s(2, 3, 4), unary("Softmax", Attrs.i("axis", 1))),
        c("LogSoftmax", s(2, 5), unary("LogSoftmax")),
        c("Dropout (inference)", s(2, 3), unary("Dropout")),
        c("Identity", s(2, 3), unary("Identity")),
        c("Cast float types", s(2, 3), (m, t) -> m.node("Cast", List.of(m.node("Mul", List.of(
            m.node("Cast", List.of(t), Attrs.i("to", Tensors.DOUBLE)), m.node("Cast", List.of(t), Attrs.i("to", Tensors.DOUBLE))))),
            Attrs.i("to", m.dtype))),
        c("Where", s(2, 4), (m, t) -> m.node("Where", List.of(m.node("Greater", List.of(m.random(4), m.real(s(), 0))),
            m.node("Exp", List.of(t)), t))),
        c("Sin", s(2, 3), unary("Sin")),
        c("Cos", s(2, 3), unary("Cos")),
        c("Tile", s(2, 3), (m, t) -> m.node("Tile", List.of(t, m.ints(2, 3)))),
        c("Expand", s(2, 1, 3), (m, t) -> m.node("Expand", List.of(t, m.ints(2, 4, 3)))),
        c("GatherElements", s(2, 3), (m, t) -> m.node("GatherElements", List.of(t, m.ints2(s(2, 2), 2, 0, 1, 1)),
            Attrs.i("axis", 1))),
        c("ScatterElements add", s(2, 3), (m, t) -> m.node("ScatterElements", List.of(
            m.node("Mul", List.of(t, t)), m.ints2(s(2, 2), 0, 0, 2, 0), m.node("Slice", List.of(t, m.ints(0), m.ints(2), m.ints(1)))),
            Attrs.i("axis", 1), Attrs.s("reduction", "add"))),
        c("LayerNormalization last axis", s(2, 3, 4), (m, t) -> m.node("LayerNormalization",
            List.of(t, m.random(4), m.random(4)))),
        c("LayerNormalization axis 1", s(2, 3, 2), (m, t) -> m.node("LayerNormalization",
            List.of(t, m.random(3, 2)), Attrs.i("axis", 1), Attrs.f("epsilon", 1e-3))),
        c("InstanceNormalization", s(2, 3, 2, 3), (m, t) -> m.node("InstanceNormalization",
            List.of(t, m.random(3), m.random(3)))),
        opset(18, "ReduceMean axes input", s(2, 3, 4), (m, t) -> m.node("ReduceMean", List.of(t, m.ints(-1)))),
        opset(18, "Pad axes input", s(2, 3), (m, t) -> m.node("Pad", List.of(t, m.ints(1, 2), m.real(s(), 0), m.ints(1)))),
        opset(18, "Split num_outputs", s(2, 6), (m, t) -> m.node("Mul", m.nodes("Split", List.of(t), 2,
            Attrs.i("axis", 1), Attrs.i("num_outputs", 2)))),
        opset(21, "Softmax", s(2, 5), unary("Softmax")),
        opset(20, "Gelu", s(2, 5), unary("Gelu")),
        opset(20, "Gelu tanh", s(2, 5), unary("Gelu", Attrs.s("approximate", "tanh"))),
        opset(18, "Mish", s(2, 5), unary("Mish")),
        c("Einsum both operands active", s(2, 3, 3), (m, t) -> m.node("Einsum", List.of(t,
            m.node("Sin", List.of(t))), Attrs.s("equation", "bij,bkj->bik"))),
        c("Einsum implicit output with a constant", s(2, 3, 4), (m, t) -> m.node("Einsum", List.of(t, m.random(4, 2)),
            Attrs.s("equation", "bij,jk"))),
        c("Einsum with a sum over an operand's own axis", s(2, 3, 4), (m, t) -> m.node("Einsum", List.of(t, m.random(3, 5)),
            Attrs.s("equation", "bij,ik->bk"))),
        c("AveragePool ceil_mode past the padded input", s(2, 2, 6, 6), (m, t) -> m.node("AveragePool",
            List.of(t), Attrs.ints("kernel_shape", 3, 3), Attrs.ints("strides", 2, 2), Attrs.ints("pads", 1, 1, 1, 1),
            Attrs.i("ceil_mode", 1))),
        c("AveragePool ceil_mode past the input", s(2, 1, 6, 5), (m, t) -> m.node("AveragePool",
            List.of(t), Attrs.ints("kernel_shape", 3, 2), Attrs.ints("strides", 2, 2), Attrs.i("ceil_mode", 1))),
        c("ReduceL2 keepdims=0", s(2, 3, 4), (m, t) -> m.node("ReduceL2", List.of(t), Attrs.ints("axes", 2),
            Attrs.i("keepdims", 0))),
        c("ReduceSumSquare", s(2, 3, 4), (m, t) -> m.node("ReduceSumSquare", List.of(t), Attrs.ints("axes", 1))),
        opset(18, "GroupNormalization-18 scale per group", s(2, 4, 3, 2), (m, t) -> m.node("GroupNormalization",
            List.of(t, m.random(2), m.random(2)), Attrs.i("num_groups", 2))),
        opset(21, "GroupNormalization-21 scale per channel", s(2, 4, 3, 2), (m, t) -> m.node("GroupNormalization",
            List.of(t, m.random(4), m.random(4)), Attrs.i("num_groups", 2), Attrs.i("stash_type", Tensors.DOUBLE))),
        c("Resize linear scales", s(2, 2, 3, 4), (m, t) -> m.node("Resize", List.of(t, "", m.real(s(4), 1, 1, 2, 1.5)),
            Attrs.s("mode", "linear"))),
        c("Resize cubic sizes align_corners", s(2, 1, 4, 3), (m, t) -> m.node("Resize", List.of(t, "", "", m.ints(2, 1, 5, 7)),
            Attrs.s("mode", "cubic"), Attrs.s("coordinate_transformation_mode", "align_corners"))),
        c("Resize nearest", s(2, 2, 3, 2), (m, t) -> m.node("Resize", List.of(t, "", m.real(s(4), 1, 1, 2, 3)))),
        c("Gather along the batch axis", s(3, 4), (m, t) -> m.node("Gather", List.of(t, m.ints(2, 0, 0)))),
        c("Slice with run-time ends", s(2, 5), (m, t) -> m.node("Slice", List.of(t, m.ints(1),
            m.node("Slice", List.of(m.node("Shape", List.of(t)), m.ints(1), m.ints(2))), m.ints(1)))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientAndHvpMatchCentralDifferences(Case k) throws Exception {
    Run r;
    try {
      r = Run.of(k, Tensors.DOUBLE);
    } catch (OrtException | NotInDouble e) {
      r = Run.of(k, Tensors.FLOAT);
    }
    try (Run run = r) {
      run.check();
    }
  }

  /** ONNX Runtime has no float64 kernel for some op of the case. */
  static final class NotInDouble extends Exception {
    NotInDouble(Throwable cause) {
      super(cause);
    }
  }

  /** The three sessions of one case in one precision, and the check. */
  static final class Run implements AutoCloseable {
    final Case k;
    final int dtype;
    final DifferentiatedModel dm;
    final OrtTestCalls model;
    final OrtTestCalls grad;
    final OrtTestCalls hvp;

    private Run(Case k, int dtype, DifferentiatedModel dm, OrtTestCalls model, OrtTestCalls grad, OrtTestCalls hvp) {
      this.k = k;
      this.dtype = dtype;
      this.dm = dm;
      this.model = model;
      this.grad = grad;
      this.hvp = hvp;
    }

    static Run of(Case k, int dtype) throws OrtException, NotInDouble {
      TinyModel m = new TinyModel(dtype).opset(k.opset());
      String pre = m.node(k.positive() ? "Sigmoid" : "Tanh", List.of("x"));
      String u = k.op().apply(m, pre);
      OnnxMl.ModelProto proto = m.build(k.shape(), m.node("Mul", List.of(u, u)));
      DifferentiatedModel dm;
      try {
        dm = GraphDifferentiator.standard().vjp(proto, k.name());
      } catch (ModelLoadException e) {
        if (dtype == Tensors.DOUBLE && !(e instanceof UnsupportedOpsException) && e.getCause() instanceof OrtException) {
          throw new NotInDouble(e);
        }
        throw e;
      }
      OrtTestCalls a = new OrtTestCalls(proto, dtype);
      try {
        OrtTestCalls b = new OrtTestCalls(dm.gradient(), dtype);
        try {
          return new Run(k, dtype, dm, a, b, new OrtTestCalls(dm.hvp(), dtype));
        } catch (OrtException e) {
          b.close();
          throw e;
        }
      } catch (OrtException e) {
        a.close();
        throw e;
      }
    }

    void check() throws OrtException {
      boolean f64 = dtype == Tensors.DOUBLE;
      long[] xs = k.shape();
      int n = Math.toIntExact(io.lcnn.datasets.FloatTensor.numel(xs));
      double[] x = LibOnnxTestdataTest.gaussian(RND, n, 1);
      double[] y = model.run(Map.of("x", x), Map.of("x", xs), List.of(dm.output())).get(dm.output());
      long[] ys = ShapeProbe.probe(dm.gradient(), "probe").shape(dm.output());
      double[] c = LibOnnxTestdataTest.gaussian(RND, y.length, 1);
      Map<String, long[]> shapes = Map.of("x", xs, DifferentiatedModel.COTANGENT, ys, DifferentiatedModel.PROBE, xs);
      double[] g = gradient(x, c, shapes);
      double h = f64 ? 1e-5 : 1e-3;
      double[] fd = new double[n];
      for (int i = 0; i < n; i++) {
        double[] xp = x.clone();
        double[] xm = x.clone();
        xp[i] += h;
        xm[i] -= h;
        double lp = LibOnnxTestdataTest.dot(model.run(Map.of("x", xp), shapes, List.of(dm.output())).get(dm.output()), c);
        double lm = LibOnnxTestdataTest.dot(model.run(Map.of("x", xm), shapes, List.of(dm.output())).get(dm.output()), c);
        fd[i] = (lp - lm) / (2 * h);
      }
      double eg = rel(g, fd);
      String p = f64 ? "float64" : "float32";
      assertTrue(eg < (f64 ? 1e-6 : 1e-2), k.name() + " (" + p + "): gradient vs central differences, rel err " + eg);
      double[] v = LibOnnxTestdataTest.gaussian(RND, n, 1);
      double[] hv = hvp.run(Map.of("x", x, DifferentiatedModel.COTANGENT, c, DifferentiatedModel.PROBE, v), shapes,
          List.of(DifferentiatedModel.HVP)).get(DifferentiatedModel.HVP);
      double[] gp = gradient(LibOnnxTestdataTest.axpy(x, h, v), c, shapes);
      double[] gm = gradient(LibOnnxTestdataTest.axpy(x, -h, v), c, shapes);
      double[] hfd = new double[n];
      for (int i = 0; i < n; i++) {
        hfd[i] = (gp[i] - gm[i]) / (2 * h);
      }
      double eh = rel(hv, hfd);
      assertTrue(eh < (f64 ? 1e-6 : 2e-2), k.name() + " (" + p + "): H·v vs central differences of the gradient, rel err " + eh);
      System.out.printf("rule %-40s %s gradient rel err %.1e, H·v rel err %.1e (|Hv| %.2g)%n", k.name(), p, eg, eh,
          Math.sqrt(LibOnnxTestdataTest.dot(hv, hv)));
    }

    private double[] gradient(double[] x, double[] c, Map<String, long[]> shapes) throws OrtException {
      return grad.run(Map.of("x", x, DifferentiatedModel.COTANGENT, c), shapes, List.of(DifferentiatedModel.GRAD))
          .get(DifferentiatedModel.GRAD);
    }

    /** ‖a − b‖ / max(‖b‖, 1e-12). */
    private static double rel(double[] a, double[] b) {
      return Math.sqrt(LibOnnxTestdataTest.sqDiff(a, b)) / Math.max(Math.sqrt(LibOnnxTestdataTest.dot(b, b)), 1e-12);
    }

    @Override
    public void close() throws OrtException {
      model.close();
      grad.close();
      hvp.close();
    }
  }
}
