package io.lcnn.auditor.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every single-float-input model of Debian's libonnx-testdata (pytorch-converted and
 * pytorch-operator): the VJP gradient of ⟨output, c⟩ for a fixed random cotangent c agrees with
 * central finite differences of the original model along random directions, and on the smooth
 * models exact H·v agrees with central differences of the gradient graph. Models with ops or op
 * forms that have no rule must be refused with the one-line message.
 */
class LibOnnxTestdataTest {
  static final Path ROOT = Path.of("/usr/share/libonnx-testdata/data");

  /** Models expected to be refused, with the op type that blocks them. */
  static final Map<String, String> REFUSED = Map.of(
      "test_ReflectionPad2d", "Pad",
      "test_ReplicationPad2d", "Pad",
      "test_operator_pad", "Pad",
      "test_operator_symbolic_override", "InstanceNormalization");

  /** Smooth models whose exact H·v is also checked against differences of the gradient graph. */
  static final Set<String> HVP_CHECKED = Set.of("test_ELU", "test_SELU", "test_Sigmoid", "test_Softmax",
      "test_LogSoftmax", "test_Softplus", "test_Tanh", "test_GLU", "test_GLU_dim", "test_PoissonNLLLLoss_no_reduce",
      "test_Softsign", "test_Softmin", "test_log_softmax_dim3", "test_softmax_functional_dim3",
      "test_operator_exp", "test_operator_selu");

  @Test
  void gradientsAgreeWithFiniteDifferencesAndUnsupportedModelsAreRefused() throws Exception {
    if (!Files.isDirectory(ROOT.resolve("pytorch-converted")) || !Files.isDirectory(ROOT.resolve("pytorch-operator"))) {
      fail("Debian package libonnx-testdata is not installed (" + ROOT + " missing): apt-get install libonnx-testdata");
    }
    Map<String, String> report = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int passed = 0;
    int refused = 0;
    for (String set : List.of("pytorch-converted", "pytorch-operator")) {
      List<Path> dirs;
      try (var s = Files.list(ROOT.resolve(set))) {
        dirs = s.filter(Files::isDirectory).sorted().toList();
      }
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(d.resolve("model.onnx")));
        OnnxMl.TensorProto input = OnnxMl.TensorProto.parseFrom(Files.readAllBytes(d.resolve("test_data_set_0/input_0.pb")));
        if (realInputs(m) != 1 || input.getDataType() != Tensors.FLOAT) {
          report.put(name, "skipped: not a single float input");
          continue;
        }
        DifferentiatedModel dm;
        try {
          dm = GraphDifferentiator.standard().vjp(m, name);
        } catch (UnsupportedOpsException e) {
          refused++;
          report.put(name, "refused: " + e.getMessage());
          assertTrue(e.getMessage().startsWith(name + ": cannot differentiate "), e.getMessage());
          assertEquals(1, e.getMessage().lines().count());
          if (!REFUSED.containsKey(name) || !e.opTypes().contains(REFUSED.get(name))) {
            failures.add(name + " refused unexpectedly: " + e.getMessage());
          }
          continue;
        }
        if (REFUSED.containsKey(name)) {
          failures.add(name + " was expected to be refused for " + REFUSED.get(name));
        }
        OnnxMl.TensorProto expected = OnnxMl.TensorProto.parseFrom(Files.readAllBytes(d.resolve("test_data_set_0/output_0.pb")));
        String result = check(m, dm, input, Tensors.doubles(expected), HVP_CHECKED.contains(name));
        report.put(name, result);
        if (result.startsWith("FAIL")) {
          failures.add(name + ": " + result);
        } else {
          passed++;
        }
      }
    }
    report.forEach((k, v) -> System.out.println("libonnx-testdata " + k + ": " + v));
    System.out.println("libonnx-testdata: " + passed + " passed, " + refused + " refused");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(passed >= 60, "only " + passed + " models passed");
  }

  private static int realInputs(OnnxMl.ModelProto m) {
    Set<String> inits = new HashSet<>();
    m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    return (int) m.getGraph().getInputList().stream().filter(v -> !inits.contains(v.getName())).count();
  }

  /**
   * Checks one model. Finite differences run on the original model where ONNX Runtime still
   * runs its opset, else on the prepared (opset-raised) model; the gradient graph's own output
   * must match the package's reference output either way.
   */
  private static String check(OnnxMl.ModelProto original, DifferentiatedModel dm, OnnxMl.TensorProto input,
      double[] expected, boolean hvp) throws Exception {
    long[] xShape = input.getDimsList().stream().mapToLong(Long::longValue).toArray();
    double[] x = Tensors.doubles(input);
    Random rnd = new Random(42);
    OnnxMl.ModelProto forward = original;
    String via = "original model";
    try (OrtTestCalls probe = new OrtTestCalls(original, Tensors.FLOAT)) {
      probe.hashCode();
    } catch (ai.onnxruntime.OrtException e) {
      forward = ModelPreparer.prepare(original, "fd");
      via = "opset-raised model (ORT cannot run opset " + ModelPreparer.opsetOf(original) + " form)";
    }
    try (OrtTestCalls model = new OrtTestCalls(forward, Tensors.FLOAT);
        OrtTestCalls grad = new OrtTestCalls(dm.gradient(), Tensors.FLOAT)) {
      double[] y = model.run(Map.of(dm.input(), x), Map.of(dm.input(), xShape), List.of(dm.output())).get(dm.output());
      boolean checkOutput = true;
      if (!finite(y)) {
        for (int i = 0; i < x.length; i++) {
          x[i] = Math.abs(x[i]) + 0.1;
        }
        via += " at |x| + 0.1 (not finite at the package's input)";
        y = model.run(Map.of(dm.input(), x), Map.of(dm.input(), xShape), List.of(dm.output())).get(dm.output());
        checkOutput = false;
      }
      if (!finite(y)) {
        return "FAIL model output is not finite";
      }
      long[] yShape = ShapeProbe.probe(dm.gradient(), "probe").shape(dm.output());
      double[] c = gaussian(rnd, y.length, 1);
      Map<String, long[]> shapes = Map.of(dm.input(), xShape, DifferentiatedModel.COTANGENT, yShape,
          DifferentiatedModel.PROBE, xShape);
      double[] yGraph = grad.run(Map.of(dm.input(), x, DifferentiatedModel.COTANGENT, c), shapes,
          List.of(dm.output())).get(dm.output());
      double yErr = Math.sqrt(sqDiff(yGraph, expected) / Math.max(dot(expected, expected), 1e-30));
      if (checkOutput && !(yErr <= 1e-4)) {
        return String.format("FAIL output of the gradient graph differs from output_0.pb: rel %.3g", yErr);
      }
      double[] g = grad.run(Map.of(dm.input(), x, DifferentiatedModel.COTANGENT, c), shapes,
          List.of(DifferentiatedModel.GRAD)).get(DifferentiatedModel.GRAD);
      double gNorm = Math.sqrt(dot(g, g));
      double h = 1e-3;
      double worst = 0;
      double[] yc = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        yc[i] = y[i] * c[i];
      }
      for (int k = 0; k < 3; k++) {
        double[] d = gaussian(rnd, x.length, 1);
        double dn = Math.sqrt(dot(d, d));
        for (int i = 0; i < d.length; i++) {
          d[i] /= dn;
        }
        double[] yp = model.run(Map.of(dm.input(), axpy(x, h, d)), shapes, List.of(dm.output())).get(dm.output());
        double[] ym = model.run(Map.of(dm.input(), axpy(x, -h, d)), shapes, List.of(dm.output())).get(dm.output());
        double fd = (dot(yp, c) - dot(ym, c)) / (2 * h);
        double exact = dot(g, d);
        double tol = 2e-3 * gNorm + 2e-6 * Math.sqrt(dot(yc, yc)) / h + 1e-6;
        worst = Math.max(worst, Math.abs(fd - exact) / tol);
        if (!(Math.abs(fd - exact) <= tol)) {
          return String.format("FAIL gradient: directional derivative %.6g vs grad·d %.6g (tol %.2g)", fd, exact, tol);
        }
      }
      String msg = String.format("ok: gradient vs finite differences of the %s within %.2f of tolerance (|g| = %.3g)",
          via, worst, gNorm);
      if (hvp) {
        try (OrtTestCalls hv = new OrtTestCalls(dm.hvp(), Tensors.FLOAT)) {
          double[] v = gaussian(rnd, x.length, 1);
          double vn = Math.sqrt(dot(v, v));
          for (int i = 0; i < v.length; i++) {
            v[i] /= vn;
          }
          double[] exact = hv.run(Map.of(dm.input(), x, DifferentiatedModel.COTANGENT, c, DifferentiatedModel.PROBE, v),
              shapes, List.of(DifferentiatedModel.HVP)).get(DifferentiatedModel.HVP);
          double e = 1e-2;
          double[] gp = grad.run(Map.of(dm.input(), axpy(x, e, v), DifferentiatedModel.COTANGENT, c), shapes,
              List.of(DifferentiatedModel.GRAD)).get(DifferentiatedModel.GRAD);
          double[] gm = grad.run(Map.of(dm.input(), axpy(x, -e, v), DifferentiatedModel.COTANGENT, c), shapes,
              List.of(DifferentiatedModel.GRAD)).get(DifferentiatedModel.GRAD);
          double num = 0;
          double den = 0;
          for (int i = 0; i < v.length; i++) {
            double fd = (gp[i] - gm[i]) / (2 * e);
            num += (fd - exact[i]) * (fd - exact[i]);
            den += fd * fd;
          }
          double rel = Math.sqrt(num / Math.max(den, 1e-30));
          if (!(rel <= 2e-2)) {
            return String.format("FAIL H·v: relative difference %.3g from finite differences of the gradient", rel);
          }
          msg += String.format("; H·v vs finite differences: rel %.2e", rel);
        }
      }
      return msg;
    }
  }

  static double sqDiff(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  static double[] gaussian(Random r, int n, double s) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = s * r.nextGaussian();
    }
    return v;
  }

  static double[] axpy(double[] x, double a, double[] d) {
    double[] o = x.clone();
    for (int i = 0; i < o.length; i++) {
      o[i] += a * d[i];
    }
    return o;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static boolean finite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }
}
