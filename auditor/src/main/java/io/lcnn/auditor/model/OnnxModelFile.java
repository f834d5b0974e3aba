package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed ONNX classifier file: the protobuf model, its bytes and digest, and the facts the
 * auditor needs (single image input, single output, default-domain opset, output kind).
 */
public final class OnnxModelFile {
  private final Path path;
  private final byte[] bytes;
  private final OnnxMl.ModelProto model;
  private final String inputName;
  private final String outputName;

  private OnnxModelFile(Path path, byte[] bytes, OnnxMl.ModelProto model, String inputName, String outputName) {
    this.path = path;
    this.bytes = bytes;
    this.model = model;
    this.inputName = inputName;
    this.outputName = outputName;
  }

  /**
   * Reads and checks a model file. Truncated or malformed files, models without exactly one
   * non-initializer input, or without an output, are refused with a one-line message. External
   * data is checked and inlined ({@link ExternalData}).
   */
  public static OnnxModelFile load(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ModelLoadException(path + ": cannot read model (" + e.getMessage() + ")", e);
    }
    return parse(path, bytes);
  }

  /** Parses model bytes; {@code path} is used for messages and records. */
  public static OnnxModelFile parse(Path path, byte[] bytes) {
    OnnxMl.ModelProto m;
    try {
      m = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(path + ": not a valid ONNX model (malformed or truncated protobuf: " + e.getMessage() + ")", e);
    }
    OnnxMl.ModelProto inlined = ExternalData.inline(path, m);
    if (inlined != m) {
      m = inlined;
      bytes = m.toByteArray();
    }
    if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
      throw new ModelLoadException(path + ": not a valid ONNX model (no graph or no nodes; truncated file?)");
    }
    OnnxMl.GraphProto g = m.getGraph();
    Set<String> inits = new HashSet<>();
    g.getInitializerList().forEach(t -> inits.add(t.getName()));
    List<String> realInputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
      if (!inits.contains(vi.getName())) {
        realInputs.add(vi.getName());
      }
    }
    if (realInputs.size() != 1) {
      throw new ModelLoadException(path + ": expected one image input, found " + realInputs.size() + " " + realInputs);
    }
    if (g.getOutputCount() < 1) {
      throw new ModelLoadException(path + ": the graph has no output");
    }
    Set<String> produced = new HashSet<>(inits);
    produced.addAll(realInputs);
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      produced.addAll(n.getOutputList());
    }
    String out = g.getOutput(0).getName();
    if (!produced.contains(out)) {
      throw new ModelLoadException(path + ": output '" + out + "' is produced by no node (truncated file?)");
    }
    return new OnnxModelFile(path, bytes, m, realInputs.get(0), out);
  }

  /** The file as given. */
  public Path path() {
    return path;
  }

  /** The serialized model. */
  public byte[] bytes() {
    return bytes;
  }

  /** The parsed model. */
  public OnnxMl.ModelProto proto() {
    return model;
  }

  /** Name of the image input. */
  public String inputName() {
    return inputName;
  }

  /** Name of the (first) output, taken as the classifier output. */
  public String outputName() {
    return outputName;
  }

  /** Hex SHA-256 of the file's bytes (of the model with its external data inlined, when it has any). */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The default-domain opset version (1 if none is declared). */
  public long opset() {
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return 1;
  }

  /** Declared input shape: numbers, or the symbolic name (or -1) of dynamic axes. */
  public List<Object> inputShape() {
    for (OnnxMl.ValueInfoProto vi : model.getGraph().getInputList()) {
      if (vi.getName().equals(inputName)) {
        List<Object> dims = new ArrayList<>();
        for (OnnxMl.TensorShapeProto.Dimension d : vi.getType().getTensorType().getShape().getDimList()) {
          if (d.hasDimValue()) {
            dims.add(d.getDimValue());
          } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
            dims.add(d.getDimParam());
          } else {
            dims.add(-1L);
          }
        }
        return dims;
      }
    }
    return List.of();
  }

  /** Declared sample shape (input shape without the batch axis); -1 where not fixed. */
  public long[] sampleShape() {
    List<Object> s = inputShape();
    long[] out = new long[Math.max(0, s.size() - 1)];
    for (int i = 1; i < s.size(); i++) {
      out[i - 1] = s.get(i) instanceof Long l ? l : -1;
    }
    return out;
  }

  /** Whether the graph ends in a Softmax, i.e. emits probabilities rather than logits. */
  public boolean endsInSoftmax() {
    for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
      if (n.getOutputList().contains(outputName)) {
        return n.getOpType().equals("Softmax");
      }
    }
    return false;
  }

  /** Node count per op type, sorted by op type. */
  public Map<String, Integer> opHistogram() {
    Map<String, Integer> h = new TreeMap<>();
    for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
      h.merge(n.getOpType(), 1, Integer::sum);
    }
    return h;
  }

  /** Number of scalar values in all initializers. */
  public long parameterCount() {
    long total = 0;
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      long n = 1;
      for (long d : t.getDimsList()) {
        n *= d;
      }
      total += n;
    }
    return total;
  }

  /** The model's metadata_props, in file order. */
  public Map<String, String> metadata() {
    Map<String, String> md = new LinkedHashMap<>();
    for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
      md.put(e.getKey(), e.getValue());
    }
    return md;
  }
}
