package io.lcnn.auditor.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.diff.DifferentiatedModel;
import io.lcnn.auditor.diff.GraphDifferentiator;
import io.lcnn.auditor.diff.ShapeProbe;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.result.AuditResult;
import io.lcnn.auditor.result.MemoryPlan;
import io.lcnn.auditor.result.SampleGeometry;
import io.lcnn.auditor.testing.ReferenceModel;
import io.lcnn.datasets.LabeledData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The memory budget: the forward graph's bytes per sample against the closed form of a model's
 * shapes, the batch size a budget implies, the one-line refusal of a budget below one sample,
 * the factor from the forward graph to the exact graphs on real models, and that a budgeted audit
 * is the audit at the batch size it chose, whatever the number of workers.
 */
class MemoryPlannerTest {
  /** x [N, 8] → MatMul [8, 4] → Relu → MatMul [4, 3]: forward values x, h, relu(h), logits. */
  private static OnnxModelFile mlp() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("mlp");
    g.addInitializer(Tensors.real("w1", Tensors.FLOAT, new long[] {8, 4}, new double[32]));
    g.addInitializer(Tensors.real("w2", Tensors.FLOAT, new long[] {4, 3}, new double[12]));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("w1").addOutput("h"));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("h").addOutput("r"));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("r").addInput("w2").addOutput("logits"));
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(8));
    g.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(s))));
    g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("logits").setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT))));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of("mlp.onnx"), m.toByteArray());
  }

  /** 4 bytes × (8 + 4 + 4 + 3) values per sample. */
  private static final long MLP_FORWARD_BYTES = 4 * (8 + 4 + 4 + 3);
  /** Two sessions × 4 bytes × (32 + 12) weights. */
  private static final long MLP_FIXED_BYTES = 2 * 4 * (32 + 12);
  /** Lanczos basis: 40 iterations (the default cap) × 8 inputs × 8 bytes. */
  private static final long MLP_SOLVER_BYTES = 40 * 8 * 8;
  private static final long MLP_PER_SAMPLE = (long) Math.ceil(MemoryPlanner.GRAPH_FACTOR * MLP_FORWARD_BYTES)
      + MLP_SOLVER_BYTES;

  @Test
  void forwardBytesPerSampleIsTheSumOfTheModelsValueSizes() {
    assertEquals(MLP_FORWARD_BYTES, MemoryPlanner.forwardBytesPerSample(mlp()));
    assertEquals(MLP_FIXED_BYTES, MemoryPlanner.SESSIONS_PER_WORKER * MemoryPlanner.weightBytes(mlp()));
    assertEquals(MLP_SOLVER_BYTES, MemoryPlanner.solverBytesPerSample(mlp(), AuditOptions.defaults()));
  }

  @Test
  void budgetGivesTheLargestBatchWhoseEstimateFitsAndTheWorkersItHolds() {
    long perSample = MLP_PER_SAMPLE;
    long budget = MLP_FIXED_BYTES + 5 * perSample + perSample / 2;
    MemoryPlan p = MemoryPlanner.plan(mlp(), AuditOptions.defaults().with(AuditOptions.MEMORY_BUDGET, budget));
    assertEquals(5, p.batchSize());
    assertEquals(32, p.requestedBatchSize());
    assertEquals(perSample, p.bytesPerSample());
    assertEquals(1, p.maxWorkers());
    long two = 2 * (MLP_FIXED_BYTES + 5 * perSample);
    MemoryPlan q = MemoryPlanner.plan(mlp(), AuditOptions.defaults().with(AuditOptions.MEMORY_BUDGET, two)
        .with(AuditOptions.BATCH_SIZE, 5));
    assertEquals(5, q.batchSize());
    assertEquals(2, q.maxWorkers());
    MemoryPlan roomy = MemoryPlanner.plan(mlp(), AuditOptions.defaults().with(AuditOptions.MEMORY_BUDGET, 1L << 30));
    assertEquals(32, roomy.batchSize());
  }

  @Test
  void budgetBelowOneSampleIsAOneLineErrorNamingBudgetAndEstimate() {
    AuditOptions o = AuditOptions.defaults().with(AuditOptions.MEMORY_BUDGET, 1000L);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> MemoryPlanner.plan(mlp(), o));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("--memory-budget 1000 B is below the estimated memory of one sample: "
        + MemoryPlanner.size(MLP_PER_SAMPLE) + " per sample"),
        e.getMessage());
  }

  @Test
  void sizesAreReadWithBinarySuffixes() {
    assertEquals(512L << 20, AuditOptions.MEMORY_BUDGET.parse("512m"));
    assertEquals(2L << 30, AuditOptions.MEMORY_BUDGET.parse("2g"));
    assertEquals(3L << 29, AuditOptions.MEMORY_BUDGET.parse("1.5G"));
    assertEquals(65536L, AuditOptions.MEMORY_BUDGET.parse("65536"));
    assertEquals(0L, AuditOptions.MEMORY_BUDGET.parse("auto"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditOptions.MEMORY_BUDGET.parse("2x"));
    assertTrue(e.getMessage().startsWith("--memory-budget: '2x' is not a size"), e.getMessage());
  }

  /**
   * The factor bounds the exact graphs on real models: the per-sample bytes of every
   * batch-dependent value of the gradient graph plus the HVP graph, probed on ONNX Runtime, over
   * the forward graph's.
   */
  @Test
  void exactGraphsStayWithinTheFactorOfTheForwardGraph() throws java.io.IOException {
    List<OnnxModelFile> models = new java.util.ArrayList<>();
    for (String name : ReferenceModel.NAMES) {
      models.add(ReferenceModel.named(name).model());
    }
    Path zoo = ReferenceModel.fixtures().resolve("zoo");
    try (var families = java.nio.file.Files.list(zoo)) {
      for (Path family : families.sorted().toList()) {
        Path f = family.resolve("opset17-nofold-dynamic.onnx");
        if (java.nio.file.Files.exists(f)) {
          models.add(OnnxModelFile.load(f));
        }
      }
    }
    StringBuilder table = new StringBuilder();
    double worst = 0;
    for (OnnxModelFile m : models) {
      long forward = MemoryPlanner.forwardBytesPerSample(m);
      DifferentiatedModel d = GraphDifferentiator.standard().classifier(m, OutputKind.detect(m));
      long grad = ShapeProbe.probe(d.gradient(), "gradient").bytesPerSample();
      long hvp = ShapeProbe.probe(d.hvp(), "hvp").bytesPerSample();
      double ratio = (double) (grad + hvp) / forward;
      worst = Math.max(worst, ratio);
      table.append(String.format("%s: forward %d, gradient %d, hvp %d, ratio %.2f%n", m.path(), forward, grad, hvp, ratio));
    }
    System.out.print(table);
    assertTrue(models.size() >= 4, table.toString());
    assertTrue(worst <= MemoryPlanner.GRAPH_FACTOR, "factor " + MemoryPlanner.GRAPH_FACTOR + " < " + worst + "\n" + table);
  }

  @Test
  void budgetedAuditIsTheAuditAtTheBatchItChoseWithAnyNumberOfWorkers() {
    ReferenceModel ref = ReferenceModel.named("cnn_softmax_normalized");
    OnnxModelFile model = ref.model();
    long perSample = (long) Math.ceil(MemoryPlanner.GRAPH_FACTOR * MemoryPlanner.forwardBytesPerSample(model))
        + MemoryPlanner.solverBytesPerSample(model, AuditOptions.defaults());
    long fixed = MemoryPlanner.SESSIONS_PER_WORKER * MemoryPlanner.weightBytes(model);
    long budget = fixed + 3 * perSample + perSample / 3;
    AuditData data = new AuditData(new LabeledData(ref.array("inputs.npy"), ref.labels("labels.npy"), "inputs.npy"),
        "inputs.npy", "labels.npy", null, null, null);
    AuditOptions base = AuditOptions.defaults().with(AuditOptions.ATTACK, "none").withMaxSamples(7)
        .withSelfCheckSamples(0).with(AuditOptions.NO_BOUND, true).withGradients(GradientMode.EXACT);
    AuditResult budgeted = audit(base.with(AuditOptions.MEMORY_BUDGET, budget).withWorkers(2), model, data);
    AuditResult plain = audit(base.with(AuditOptions.BATCH_SIZE, 3).withWorkers(1), model, data);
    assertEquals(3, budgeted.settings().memory().batchSize());
    assertEquals(3, budgeted.settings().batchSize());
    assertEquals(32, budgeted.settings().memory().requestedBatchSize());
    assertEquals(1, budgeted.provenance().engine().workers(), "the budget holds one worker at batch 3");
    long twoWorkers = 2 * (fixed + 3 * perSample) + perSample / 3;
    AuditResult shared = audit(base.with(AuditOptions.MEMORY_BUDGET, twoWorkers).with(AuditOptions.BATCH_SIZE, 3)
        .withWorkers(2), model, data);
    assertEquals(2, shared.provenance().engine().workers(), "the budget holds two workers at batch 3");
    List<SampleGeometry> b = plain.splits().get("test").samples();
    assertEquals(b, budgeted.splits().get("test").samples());
    assertEquals(b, shared.splits().get("test").samples());
  }

  private static AuditResult audit(AuditOptions o, OnnxModelFile model, AuditData data) {
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    return new AuditRunner(o, new ExactOracleFactory(), List.of(), quiet, ProgressListener.NONE, "lcnn test")
        .run(model, data, null, null).result();
  }
}
