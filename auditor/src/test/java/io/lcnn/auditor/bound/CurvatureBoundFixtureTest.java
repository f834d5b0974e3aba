package io.lcnn.auditor.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.testing.ReferenceModel;
import java.util.Arrays;
import java.util.stream.DoubleStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the PyTorch-built fixtures (fixtures/torch-reference, float64 references of 32 test and 32
 * training samples each): where the theorem applies, the curvature bound is at least every
 * per-sample C_f, the Hessian-norm bound at least every ‖∇²f‖₂ and the gradient bound at least
 * every ‖∇f‖₂ of the references; where it does not, the bound is null and names the node.
 */
class CurvatureBoundFixtureTest {
  @ParameterizedTest
  @ValueSource(strings = {"mlp_softplus", "cnn_softmax_normalized"})
  void boundsAreAtLeastEveryMeasuredSample(String name) {
    ReferenceModel ref = ReferenceModel.named(name);
    OnnxModelFile model = ref.model();
    BoundReport r = new CurvatureBound(OrtRuntime.cpu(1), 500, 1e-4, 0).compute(model, OutputKind.detect(model));
    assertNull(r.noBound(), () -> String.valueOf(r.noBound()));
    double c = max(ref, "curvature");
    double h = max(ref, "hessian_spectral_norm");
    double g = max(ref, "grad_norm");
    assertTrue(r.curvatureBound() >= c, name + ": curvature bound " + r.curvatureBound() + " < measured " + c);
    assertTrue(r.hessianNormBound() >= h, name + ": Hessian bound " + r.hessianNormBound() + " < measured " + h);
    assertTrue(r.gradientNormBound() >= g, name + ": gradient bound " + r.gradientNormBound() + " < measured " + g);
  }

  @ParameterizedTest
  @CsvSource({"cnn_relu_maxpool_bn, Relu", "resnet_softplus, Add"})
  void unsupportedGraphsHaveNoBoundNamingTheNode(String name, String op) {
    OnnxModelFile model = ReferenceModel.named(name).model();
    BoundReport r = new CurvatureBound(OrtRuntime.cpu(1), 500, 1e-4, 0).compute(model, OutputKind.detect(model));
    assertNull(r.curvatureBound());
    assertNull(r.hessianNormBound());
    assertNotNull(r.noBound());
    assertEquals(op, r.noBound().op());
    assertTrue(model.proto().getGraph().getNodeList().stream().anyMatch(n -> n.getName().equals(r.noBound().node())),
        "the named node exists: " + r.noBound().node());
  }

  private static double max(ReferenceModel ref, String field) {
    return DoubleStream.concat(Arrays.stream(ref.values("test", field)), Arrays.stream(ref.values("train", field)))
        .max().orElseThrow();
  }
}
