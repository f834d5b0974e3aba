package io.lcnn.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.datasets.FloatTensor;
import io.lcnn.datasets.SyntheticImages;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.train.Checkpoint;
import io.lcnn.trainer.train.Network;
import io.lcnn.trainer.train.Recipe;
import io.lcnn.trainer.train.TrainConfig;
import io.lcnn.trainer.train.TrainingData;
import io.lcnn.trainer.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class OnnxExportParityTest {
  @TempDir Path dir;

  static Stream<Arguments> familiesAndRecipes() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (ModelFamily f : ModelFamily.values()) {
      for (Recipe r : Recipe.values()) {
        b.add(Arguments.of(f, r));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("familiesAndRecipes")
  void onnxRuntimeLogitsMatchDjlOnHundredInputs(ModelFamily family, Recipe recipe) throws Exception {
    String[] names = new String[10];
    for (int i = 0; i < 10; i++) {
      names[i] = "class " + i;
    }
    TrainingData td = new TrainingData("synthetic", SyntheticImages.make(192, 1), SyntheticImages.make(100, 2), names);
    double width = family == ModelFamily.SMALL_CNN ? 0.25 : 0.0625;
    // Twelve steps at lr 0.01 move every kind of state (weights, β, γ, power-iteration vectors,
    // running statistics). CURE, and GradReg on the ResNet, get three steps at lr 1e-4: on the
    // β = 1000 standard build their first-order penalties blow a narrow model up on this data
    // (one step at lr 0.01 takes the ResNet's logits to ~1e3 with GradReg, ~1e14 with CURE; see
    // docs/training.md), and a blown-up model says nothing about export.
    boolean unstable = recipe == Recipe.CURE || (recipe == Recipe.GRADREG && family == ModelFamily.RESNET18);
    TrainConfig cfg = TrainConfig.defaults(recipe, family).withSize(1, 16, unstable ? 3 : 12, width)
        .withLearningRate(unstable ? 1e-4 : 0.01);
    new TrainingRun(cfg, td, dir, new PrintStream(new ByteArrayOutputStream()), false).run(null);

    try (Network net = Checkpoint.load(dir)) {
      JsonNode model = Checkpoint.readModel(dir);
      JsonNode record = Checkpoint.readRecord(dir);
      Path onnx = dir.resolve("model.onnx");
      OnnxExporter.write(net, model, record, onnx);
      float[][] djl = net.logits(td.test().inputs(), 50);

      OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
      assertTrue(proto.getOpsetImport(0).getVersion() >= 17);
      Map<String, String> md = new HashMap<>();
      proto.getMetadataPropsList().forEach(e -> md.put(e.getKey(), e.getValue()));
      assertEquals(recipe.id(), md.get("lcnn.recipe"));
      assertEquals("0,1", md.get("input_range"));
      assertEquals("class 3", new ObjectMapper().readTree(md.get("class_names")).get(3).asText());
      assertEquals(recipe.id(), new ObjectMapper().readTree(md.get("lcnn.training_record")).path("recipe").asText());
      assertTrue(md.containsKey("lcnn.betas") && md.containsKey("lcnn.gammas") && md.containsKey("lcnn.test_accuracy"));

      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
        FloatTensor in = td.test().inputs();
        double worst = 0;
        double largest = 0;
        for (int from = 0; from < 100; from += 50) {
          FloatTensor part = in.slice(from, from + 50);
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(part.data()), part.shape());
              OrtSession.Result r = s.run(Map.of(OnnxExporter.INPUT, t))) {
            float[][] ort = (float[][]) r.get(0).getValue();
            for (int i = 0; i < 50; i++) {
              for (int k = 0; k < 10; k++) {
                assertTrue(Float.isFinite(ort[i][k]));
                worst = Math.max(worst, Math.abs(ort[i][k] - djl[from + i][k]));
                largest = Math.max(largest, Math.abs(djl[from + i][k]));
              }
            }
          }
        }
        assertTrue(worst <= 1e-4, "max abs logit difference " + worst + " (largest |logit| " + largest + ")");
        assertTrue(largest < 1e3, "training diverged: largest |logit| " + largest);
      }
    }
  }
}
