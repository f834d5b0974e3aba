package io.lcnn.junit;

import static io.lcnn.junit.AuditAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.api.Audit;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.Stats;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The Java API and the assertions end to end on the PyTorch-built {@code mlp_softplus}: the
 * audited test split's curvature statistics and accuracy agree with the float64 PyTorch
 * reference, the assertions pass at bounds around those values and fail with one line beyond.
 */
class AuditAssertionsTest {
  private static final int N = 16;
  private static final Path DIR =
      Path.of(System.getProperty("lcnn.fixtures", "fixtures")).resolve("torch-reference").resolve("mlp_softplus");
  private static AuditResult result;
  private static double[] referenceCurvature;
  private static double referenceAccuracy;

  @BeforeAll
  static void audit() throws Exception {
    result = Audit.of(DIR.resolve("model.onnx"))
        .inputs(DIR.resolve("inputs.npy")).labels(DIR.resolve("labels.npy"))
        .maxSamples(N).eps(0.5, 1.0).workers(2)
        .set(io.lcnn.auditor.audit.AuditOptions.PGD_STEPS, 5)
        .set(io.lcnn.auditor.audit.AuditOptions.PGD_RESTARTS, 1)
        .run();
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile()).get("test");
    referenceCurvature = new double[N];
    int correct = 0;
    for (int i = 0; i < N; i++) {
      referenceCurvature[i] = ref.get("curvature").get(i).asDouble();
    }
    JsonNode outputs = ref.get("outputs");
    int[] labels = io.lcnn.datasets.Npy.readLabels(DIR.resolve("labels.npy"));
    for (int i = 0; i < N; i++) {
      int best = 0;
      for (int k = 1; k < outputs.get(i).size(); k++) {
        best = outputs.get(i).get(k).asDouble() > outputs.get(i).get(best).asDouble() ? k : best;
      }
      correct += best == labels[i] ? 1 : 0;
    }
    referenceAccuracy = (double) correct / N;
  }

  @Test
  void curvatureStatisticsAndAccuracyAgreeWithTheFloat64Reference() {
    Stats ref = Stats.of(referenceCurvature);
    double p90 = assertThat(result).curvature().p90().value();
    assertEquals(ref.p90(), p90, 0.02 * ref.p90(), "p90 of C_f");
    assertEquals(ref.mean(), assertThat(result).curvature().mean().value(), 0.02 * ref.mean(), "mean of C_f");
    assertEquals(referenceAccuracy, assertThat(result).accuracy().value(), 1e-12);
  }

  @Test
  void boundsAroundTheMeasuredValuesPassAndBoundsBeyondFailWithOneLine() {
    double p90 = Stats.of(referenceCurvature).p90();
    assertThat(result).curvature().p90().isAtMost(1.05 * p90).isAtLeast(0.95 * p90);
    assertThat(result).accuracy().isAtLeast(referenceAccuracy - 1e-9);
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> assertThat(result).curvature().p90().isAtMost(0.5 * p90));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertEquals(true, e.getMessage().contains("test curvature p90 is") && e.getMessage().contains("expected at most"),
        e.getMessage());
    assertThrows(AssertionFailedError.class, () -> assertThat(result).robustAccuracy(0.3));
  }

  @Test
  void robustAccuracyIsTheAuditsWorstCaseAndFallsWithEps() {
    double small = assertThat(result).robustAccuracy(0.5).value();
    double large = assertThat(result).robustAccuracy(1.0).value();
    assertEquals(result.attacks().worstCaseAccuracy().get("0.5"), small);
    assertThat(result).robustAccuracy(1.0).isAtMost(small);
    assertThat(result).robustAccuracy(0.5).isAtMost(assertThat(result).accuracy().value());
    assertEquals(true, large <= small);
  }
}
