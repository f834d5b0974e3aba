package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.diff.TensorFacts;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.ModelLoadException;
import io.lcnn.auditor.model.OnnxModelFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link LcnnMetadataCheck} of an lcnn export (a model with {@code lcnn.betas} metadata). */
final class LcnnMetadataReader {
  /** Relative tolerance of the β comparison and of the γ inequality (float32 storage). */
  static final double TOLERANCE = 1e-4;

  private LcnnMetadataReader() {}

  /** The check, or null when the model carries no {@code lcnn.betas}. */
  static LcnnMetadataCheck check(OnnxModelFile model, OnnxMl.ModelProto proto, LayerChain chain, TensorFacts facts) {
    Map<String, String> meta = model.metadata();
    if (meta == null || !meta.containsKey("lcnn.betas")) {
      return null;
    }
    List<Double> betas = numbers(model, meta, "lcnn.betas");
    List<Double> gammas = meta.containsKey("lcnn.gammas") ? numbers(model, meta, "lcnn.gammas") : List.of();
    List<Double> graphBetas = new ArrayList<>();
    for (LayerChain.ActivationStage a : chain.activations()) {
      Double b = CurvatureBound.beta(a.node(), proto, facts);
      if (b != null) {
        graphBetas.add(b);
      }
    }
    boolean betasMatch = betas.size() == graphBetas.size();
    for (int i = 0; betasMatch && i < betas.size(); i++) {
      betasMatch = Math.abs(betas.get(i) - graphBetas.get(i)) <= TOLERANCE * Math.max(1, Math.abs(betas.get(i)));
    }
    List<Double> scales = batchNormScales(proto, facts);
    boolean gammasHold = gammas.isEmpty() || gammas.size() == scales.size();
    for (int i = 0; gammasHold && i < gammas.size(); i++) {
      gammasHold = scales.get(i) <= gammas.get(i) * (1 + TOLERANCE);
    }
    return new LcnnMetadataCheck(betas, graphBetas, betasMatch, gammas, scales, gammasHold);
  }

  private static List<Double> numbers(OnnxModelFile model, Map<String, String> meta, String key) {
    try {
      JsonNode node = new ObjectMapper().readTree(meta.get(key));
      List<Double> out = new ArrayList<>();
      for (JsonNode v : node) {
        if (!v.isNumber()) {
          throw new ModelLoadException(model.path() + ": metadata '" + key + "' holds a non-number: " + v);
        }
        out.add(v.asDouble());
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(model.path() + ": metadata '" + key + "' is not a JSON array of numbers", e);
    }
  }

  /** max_c |scale_c| of each Mul by a [1, C, 1, 1] constant whose output an Add of a [1, C, 1, 1] constant reads. */
  private static List<Double> batchNormScales(OnnxMl.ModelProto proto, TensorFacts facts) {
    Map<String, List<OnnxMl.NodeProto>> consumers = new HashMap<>();
    for (OnnxMl.NodeProto n : proto.getGraph().getNodeList()) {
      n.getInputList().forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n));
    }
    List<Double> out = new ArrayList<>();
    for (OnnxMl.NodeProto n : proto.getGraph().getNodeList()) {
      if (!n.getOpType().equals("Mul")) {
        continue;
      }
      OnnxMl.TensorProto scale = perChannel(n, facts);
      boolean shiftFollows = consumers.getOrDefault(n.getOutput(0), List.of()).stream()
          .anyMatch(c -> c.getOpType().equals("Add") && perChannel(c, facts) != null);
      if (scale != null && shiftFollows) {
        double max = 0;
        for (double v : Tensors.doubles(scale)) {
          max = Math.max(max, Math.abs(v));
        }
        out.add(max);
      }
    }
    return out;
  }

  private static OnnxMl.TensorProto perChannel(OnnxMl.NodeProto n, TensorFacts facts) {
    for (String in : n.getInputList()) {
      OnnxMl.TensorProto c = facts.constant(in);
      if (c != null && c.getDimsCount() == 4 && c.getDims(0) == 1 && c.getDims(2) == 1 && c.getDims(3) == 1) {
        return c;
      }
    }
    return null;
  }
}
