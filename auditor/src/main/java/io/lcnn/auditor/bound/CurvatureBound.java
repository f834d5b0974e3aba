package io.lcnn.auditor.bound;

import ai.onnx.proto.OnnxMl;
import io.lcnn.auditor.diff.ShapeProbe;
import io.lcnn.auditor.diff.TensorFacts;
import io.lcnn.auditor.diff.Tensors;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the {@link BoundReport} of a classifier: reads its chain ({@link ChainReader}), takes
 * each linear stage's norm by power iteration ({@link OperatorNorm}), each activation's bounds
 * from {@link Activation} and the loss layer's from {@link CrossEntropyLayer}, and combines them
 * (formulas on {@link BoundReport}). For lcnn exports it also checks β and γ against the graph.
 */
public final class CurvatureBound {
  private final OperatorNorm norms;
  private final double tolerance;
  private final long seed;

  /** Bounds whose power iterations run on {@code runtime} with the given cap, tolerance and seed. */
  public CurvatureBound(OrtRuntime runtime, int maxIterations, double tolerance, long seed) {
    this.norms = new OperatorNorm(runtime, maxIterations, tolerance, seed);
    this.tolerance = tolerance;
    this.seed = seed;
  }

  /** Bounds with the default power-iteration settings. */
  public CurvatureBound(OrtRuntime runtime, long seed) {
    this(runtime, OperatorNorm.DEFAULT_MAX_ITERATIONS, OperatorNorm.DEFAULT_TOLERANCE, seed);
  }

  /** The bounds of {@code model}, whose output is of the given kind. */
  public BoundReport compute(OnnxModelFile model, OutputKind kind) {
    OnnxMl.ModelProto proto = model.proto();
    TensorFacts facts = ShapeProbe.probe(proto, model.path().getFileName().toString());
    LayerChain chain = ChainReader.read(proto.getGraph(), model.inputName(), model.outputName(), kind, facts);
    int classes = classes(facts, model.outputName());
    List<Unit> units = new ArrayList<>();
    for (int k = 0; k < chain.linear().size(); k++) {
      LayerChain.LinearStage s = chain.linear().get(k);
      OperatorNorm.Estimate e = norms.of(proto, s, facts);
      units.add(new Unit("linear", "'" + s.input() + "' → '" + s.output() + "'",
          s.nodes().stream().map(OnnxMl.NodeProto::getOpType).distinct().toList(),
          ChainReader.perSample(facts.shape(s.output())), e.norm(), 0.0, 0, null, e.iterations()));
      if (k < chain.activations().size()) {
        LayerChain.ActivationStage a = chain.activations().get(k);
        Activation kindOf = a.kind();
        units.add(new Unit("activation", ChainReader.label(a.node()), List.of(a.node().getOpType()), a.size(),
            kindOf.slope(), Double.isInfinite(kindOf.curvature()) ? null : kindOf.curvature(),
            kindOf.secondDerivative(), beta(a.node(), proto, facts), null));
      }
    }
    boolean complete = chain.noBound() == null;
    if (complete) {
      units.add(new Unit("loss", kind == OutputKind.PROBABILITIES ? "Softmax → −log p_y" : "cross-entropy of softmax",
          List.of(kind == OutputKind.PROBABILITIES ? "Softmax" : "CrossEntropy"), 1, CrossEntropyLayer.SLOPE,
          CrossEntropyLayer.curvature(classes), CrossEntropyLayer.SECOND_DERIVATIVE, null, null));
    }
    List<BoundLayer> layers = new ArrayList<>();
    double prefix = 1;
    double curvature = 0;
    double hessian = 0;
    boolean curvatureFinite = true;
    NoBound noBound = chain.noBound();
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      Double cTerm = null;
      Double hTerm = null;
      if (complete && !u.kind.equals("linear")) {
        double suffix = 1;
        for (int j = i + 1; j < units.size(); j++) {
          suffix *= units.get(j).lipschitz;
        }
        hTerm = u.secondDerivative * prefix * prefix * suffix;
        hessian += hTerm;
        if (u.curvature == null) {
          curvatureFinite = false;
          if (noBound == null) {
            Activation a = chain.activations().stream().filter(s -> ChainReader.label(s.node()).equals(u.name))
                .findFirst().orElseThrow().kind();
            noBound = new NoBound(u.name, u.ops.get(0), a.reason());
          }
        } else {
          cTerm = u.size * u.curvature * prefix;
          curvature += cTerm;
        }
      }
      layers.add(new BoundLayer(i, u.kind, u.name, u.ops, u.size, u.lipschitz, u.curvature, u.secondDerivative, u.beta,
          u.powerIterations, cTerm, hTerm));
      prefix *= u.lipschitz;
    }
    return new BoundReport(BoundReport.FUNCTION, BoundReport.FORM,
        complete && curvatureFinite ? curvature : null,
        complete ? hessian : null,
        complete ? prefix : null,
        noBound, classes, layers, LcnnMetadataReader.check(model, proto, chain, facts), tolerance, seed);
  }

  private record Unit(String kind, String name, List<String> ops, long size, double lipschitz, Double curvature,
      double secondDerivative, Double beta, Integer powerIterations) {}

  private static int classes(TensorFacts facts, String output) {
    long[] s = facts.shape(output);
    return s == null || s.length < 2 ? 0 : Math.toIntExact(s[s.length - 1]);
  }

  /** β of a Softplus whose input is Mul(z, β) with a scalar constant β, else null. */
  static Double beta(OnnxMl.NodeProto softplus, OnnxMl.ModelProto proto, TensorFacts facts) {
    if (!softplus.getOpType().equals("Softplus")) {
      return null;
    }
    Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
    proto.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
    OnnxMl.NodeProto mul = producer.get(softplus.getInput(0));
    if (mul == null || !mul.getOpType().equals("Mul")) {
      return null;
    }
    for (String in : mul.getInputList()) {
      OnnxMl.TensorProto c = facts.constant(in);
      if (c != null && Tensors.numel(c) == 1) {
        return Tensors.doubles(c)[0];
      }
    }
    return null;
  }
}
