package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks the classifier output of a graph and cuts the graph down to it. Unless a name is
 * requested, the first float tensor declared [N, K] (or without a shape) is taken, then a
 * ZipMap's output, then any float tensor (a single [N, K, 1, 1] output, say); so among several
 * outputs (the scikit-learn layout writes an int64 {@code label} first, then
 * {@code probabilities}) the probabilities are audited. An output written by a ZipMap (a sequence
 * of maps, which no gradient can flow through) is replaced by the probability tensor that feeds
 * the ZipMap. When the graph had other outputs, or the chosen value was not an output, the graph is
 * rewritten to have the chosen value as its only output, without the nodes only the others needed.
 *
 * @param model the graph with the chosen output as its only output
 * @param name name of the chosen output
 * @param note what was chosen and why, for a notice and audit.json; null when the graph had one
 *     float output and nothing was rewritten
 */
public record ClassifierOutput(OnnxMl.ModelProto model, String name, String note) {
  private static final Set<Integer> FLOATS = Set.of(
      OnnxMl.TensorProto.DataType.FLOAT.getNumber(),
      OnnxMl.TensorProto.DataType.DOUBLE.getNumber(),
      OnnxMl.TensorProto.DataType.FLOAT16.getNumber(),
      OnnxMl.TensorProto.DataType.BFLOAT16.getNumber());

  /**
   * Chooses the classifier output.
   *
   * @param m the model
   * @param requested an output name asked for ({@code --output-name}), or null to choose
   * @param path the file, for messages
   * @throws ModelLoadException when the requested name is no output, or no output is a float tensor
   */
  public static ClassifierOutput select(OnnxMl.ModelProto m, String requested, Path path) {
    OnnxMl.GraphProto g = m.getGraph();
    List<String> names = g.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    OnnxMl.ValueInfoProto chosen = null;
    String why = null;
    if (requested != null) {
      for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
        if (o.getName().equals(requested)) {
          chosen = o;
        }
      }
      if (chosen == null) {
        throw new ModelLoadException(path + ": --output-name '" + requested + "' is not an output of the model; its outputs are "
            + names);
      }
      why = "output '" + requested + "' as requested";
    } else {
      for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
        if (chosen == null && isFloatMatrix(o)) {
          chosen = o;
        }
      }
      for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
        if (chosen == null && zipMapOf(g, o.getName()) != null) {
          chosen = o;
        }
      }
      for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
        if (chosen == null && isFloatTensor(o)) {
          chosen = o;
        }
      }
      if (chosen == null) {
        throw new ModelLoadException(path + ": no output is a float tensor [batch, classes] (outputs " + names
            + "); choose one with --output-name");
      }
      why = names.size() > 1 ? "output '" + chosen.getName() + "', the first float tensor among " + names : null;
    }
    OnnxMl.NodeProto zipMap = zipMapOf(g, chosen.getName());
    if (zipMap != null) {
      String fed = zipMap.getInput(0);
      why = "output '" + chosen.getName() + "' is a ZipMap (a map per sample, not differentiable); auditing the"
          + " probability tensor '" + fed + "' that feeds it";
      chosen = valueInfo(g, fed);
    } else if (!isFloatTensor(chosen)) {
      throw new ModelLoadException(path + ": output '" + chosen.getName() + "' is not a float tensor; the classifier output"
          + " must hold logits or probabilities [batch, classes]");
    }
    if (names.size() == 1 && zipMap == null) {
      return new ClassifierOutput(m, chosen.getName(), null);
    }
    OnnxMl.GraphProto pruned = GraphPruner.keep(g, List.of(chosen), List.of());
    return new ClassifierOutput(m.toBuilder().setGraph(pruned).build(), chosen.getName(), why);
  }

  private static boolean isFloatTensor(OnnxMl.ValueInfoProto o) {
    return o.getType().hasTensorType() && FLOATS.contains(o.getType().getTensorType().getElemType());
  }

  private static boolean isFloatMatrix(OnnxMl.ValueInfoProto o) {
    if (!isFloatTensor(o)) {
      return false;
    }
    var t = o.getType().getTensorType();
    return !t.hasShape() || t.getShape().getDimCount() == 2;
  }

  /** The ZipMap node (ai.onnx.ml) writing {@code output}, or null. */
  private static OnnxMl.NodeProto zipMapOf(OnnxMl.GraphProto g, String output) {
    OnnxMl.NodeProto n = SoftmaxTail.producer(g, output);
    return n != null && n.getOpType().equals("ZipMap") && n.getInputCount() == 1 ? n : null;
  }

  /** The declared type of an inner value, or a float tensor of unknown shape when it has none. */
  private static OnnxMl.ValueInfoProto valueInfo(OnnxMl.GraphProto g, String name) {
    List<OnnxMl.ValueInfoProto> known = new ArrayList<>(g.getValueInfoList());
    known.addAll(g.getOutputList());
    for (OnnxMl.ValueInfoProto v : known) {
      if (v.getName().equals(name) && isFloatTensor(v)) {
        return v;
      }
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())))
        .build();
  }
}
