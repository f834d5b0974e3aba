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
 * auditor needs (single image input, the classifier output among the outputs, default-domain opset,
 * output kind).
 */
public final class OnnxModelFile {
  private final Path path;
  private final byte[] bytes;
  private final OnnxMl.ModelProto model;
  private final String inputName;
  private final String outputName;
  private final String sha256;
  private final String outputNote;

  private OnnxModelFile(Path path, byte[] bytes, OnnxMl.ModelProto model, String inputName, String outputName,
      String sha256, String outputNote) {
    this.path = path;
    this.bytes = bytes;
    this.model = model;
    this.inputName = inputName;
    this.outputName = outputName;
    this.sha256 = sha256;
    this.outputNote = outputNote;
  }

  /**
   * Reads and checks a model file. Truncated or malformed files, models without exactly one
   * non-initializer input, or without an output, are refused with a one-line message. External
   * data is checked and inlined ({@link ExternalData}).
   */
  public static OnnxModelFile load(Path path) {
    return load(path, null);
  }

  /**
   * Reads and checks a model file, taking {@code outputName} as the classifier output (null: the
   * first float [N, K] output; see {@link ClassifierOutput}).
   */
  public static OnnxModelFile load(Path path, String outputName) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ModelLoadException(path + ": cannot read model (" + e.getMessage() + ")", e);
    }
    return parse(path, bytes, outputName);
  }

  /** Parses model bytes; {@code path} is used for messages and records. */
  public static OnnxModelFile parse(Path path, byte[] bytes) {
    return parse(path, bytes, null);
  }

  /**
   * Parses model bytes and picks the classifier output ({@link ClassifierOutput}); when the graph
   * is cut down to that output, {@link #bytes()} and {@link #proto()} hold the cut graph while
   * {@link #sha256()} stays the digest of the given bytes.
   *
   * @param outputName the classifier output asked for, or null to choose
   */
  public static OnnxModelFile parse(Path path, byte[] bytes, String outputName) {
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
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      if (!produced.contains(o.getName())) {
        throw new ModelLoadException(path + ": output '" + o.getName() + "' is produced by no node (truncated file?)");
      }
    }
    ClassifierOutput chosen = ClassifierOutput.select(m, outputName, path);
    byte[] run = chosen.model() == m ? bytes : chosen.model().toByteArray();
    return new OnnxModelFile(path, run, chosen.model(), realInputs.get(0), chosen.name(), digest(bytes), chosen.note());
  }

  /**
   * The same file with its graph replaced by an equivalent one (e.g. with a dynamic batch axis);
   * path, digest, input and output names stay.
   */
  public OnnxModelFile withGraph(OnnxMl.ModelProto equivalent) {
    return new OnnxModelFile(path, equivalent.toByteArray(), equivalent, inputName, outputName, sha256, outputNote);
  }

  /** How the classifier output was chosen when the graph had several or a ZipMap; null otherwise. */
  public String outputNote() {
    return outputNote;
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

  /** Name of the classifier output (see {@link ClassifierOutput}). */
  public String outputName() {
    return outputName;
  }

  /** Hex SHA-256 of the file's bytes (of the model with its external data inlined, when it has any). */
  public String sha256() {
    return sha256;
  }

  private static String digest(byte[] bytes) {
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

  /**
   * Whether the classifier output is a Softmax's, possibly through Identity, Cast, Reshape or
   * Flatten ({@link SoftmaxTail}), i.e. emits probabilities rather than logits.
   */
  public boolean endsInSoftmax() {
    return SoftmaxTail.find(model.getGraph(), outputName).isPresent();
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
