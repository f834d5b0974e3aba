package io.lcnn.auditor.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.lcnn.errors.PrintableText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The model loader's trust boundary for tensor data. Every initializer (of the main graph and of
 * every subgraph) is checked before anything is allocated for it: its declared dims must be
 * non-negative with a product that fits in a long, and its data (inline or external) must hold
 * exactly dims × element size bytes. External data ({@code data_location: EXTERNAL}) is resolved
 * against the model file's own folder, whatever the working directory; a location that is
 * absolute, contains {@code ..}, or resolves (symlinks followed) outside that folder is refused,
 * as are an offset or length outside the file. The validated bytes are then inlined into the
 * in-memory model, so that ONNX Runtime, which receives models as bytes, needs no base folder.
 * A model too large to inline (protobuf's 2 GiB limit) keeps its large tensors external: their
 * locations are rewritten to the checked real paths (absolute, marked by the doc string {@value
 * #RESOLVED}),
 * which ONNX Runtime reads directly, and the gradient/HVP graphs derived from the model keep
 * those references; tensors under 1 MiB are still inlined so their values stay readable.
 */
public final class ExternalData {
  /**
   * Largest model (protobuf bytes, external data inlined) this loader builds: protobuf refuses
   * messages of 2 GiB and more; the margin leaves room for the derived gradient/HVP graphs.
   */
  static final long INLINE_LIMIT_BYTES =
      Long.getLong("lcnn.externalData.inlineLimitBytes", (1L << 31) - (64L << 20));


  /**
   * The doc string lcnn gives a tensor whose location it has checked and rewritten to an absolute
   * real path inside the model's folder (ONNX Runtime refuses unknown external_data keys); an
   * absolute location without it is refused, and with it must still lie inside the folder.
   */
  static final String RESOLVED = "lcnn: external data location checked";

  private final Path modelFile;
  /** Tensors this small are inlined even when the model keeps its large tensors external. */
  private final long smallTensorBytes;
  private Path folder;
  private final Map<Path, Long> fileSizes = new HashMap<>();
  private long externalBytes;

  private ExternalData(Path modelFile, long inlineLimit) {
    this.modelFile = modelFile;
    this.smallTensorBytes = Math.min(1L << 20, inlineLimit / 16);
  }

  /** The model's folder with symlinks resolved, where every external data file must lie. */
  private Path folder() {
    if (folder == null) {
      try {
        folder = modelFile.toAbsolutePath().getParent().toRealPath();
      } catch (IOException e) {
        throw refuse("cannot resolve the model's folder (" + e.getMessage() + ")");
      }
    }
    return folder;
  }

  /**
   * Checks every tensor of {@code model} and returns it with all external data inlined (the same
   * instance when nothing is external).
   *
   * @param modelFile the .onnx file the model was read from (its folder is the only place
   *     external data may come from)
   * @throws ModelLoadException one line naming the model file, the initializer and the location
   */
  public static OnnxMl.ModelProto inline(Path modelFile, OnnxMl.ModelProto model) {
    return inline(modelFile, model, INLINE_LIMIT_BYTES);
  }

  /** {@link #inline(Path, OnnxMl.ModelProto)} with the size above which large tensors stay external. */
  static OnnxMl.ModelProto inline(Path modelFile, OnnxMl.ModelProto model, long inlineLimit) {
    ExternalData d = new ExternalData(modelFile, inlineLimit);
    boolean external = d.check(model.getGraph());
    if (!external) {
      return model;
    }
    long total = d.externalBytes + model.getSerializedSize();
    return model.toBuilder().setGraph(d.inlineGraph(model.getGraph(), total > inlineLimit)).build();
  }

  /** Checks the graph's tensors and its subgraphs'; whether any holds external data. */
  private boolean check(OnnxMl.GraphProto g) {
    boolean external = false;
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      external |= checkTensor("initializer", t);
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      for (OnnxMl.AttributeProto a : n.getAttributeList()) {
        if (a.hasT()) {
          external |= checkTensor("node '" + PrintableText.of(n.getName()) + "' attribute", a.getT());
        }
        if (a.hasG()) {
          external |= check(a.getG());
        }
        for (OnnxMl.GraphProto sub : a.getGraphsList()) {
          external |= check(sub);
        }
      }
    }
    return external;
  }

  private boolean checkTensor(String what, OnnxMl.TensorProto t) {
    String name = what + " '" + PrintableText.of(t.getName()) + "'";
    long elements = 1;
    for (long d : t.getDimsList()) {
      if (d < 0) {
        throw refuse(name + " has a negative dimension " + t.getDimsList());
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException e) {
        throw refuse(name + " declares dims " + t.getDimsList() + " whose product overflows");
      }
    }
    int type = t.getDataType();
    if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
      if (type == OnnxMl.TensorProto.DataType.STRING_VALUE) {
        throw refuse(name + " is a string tensor with external data, which ONNX does not allow");
      }
      Location loc = location(name, t);
      long expected = dataBytes(name, type, elements);
      if (loc.length != expected) {
        throw refuse(name + " declares dims " + t.getDimsList() + " (" + expected + " bytes) but its external data '"
            + PrintableText.of(loc.name) + "' holds " + loc.length + " bytes");
      }
      externalBytes += loc.length;
      return true;
    }
    if (type == OnnxMl.TensorProto.DataType.STRING_VALUE) {
      if (t.getStringDataCount() != elements) {
        throw refuse(name + " declares dims " + t.getDimsList() + " (" + elements + " strings) but holds "
            + t.getStringDataCount());
      }
      return false;
    }
    if (!t.getRawData().isEmpty()) {
      long expected = dataBytes(name, type, elements);
      if (t.getRawData().size() != expected) {
        throw refuse(name + " declares dims " + t.getDimsList() + " (" + expected + " bytes) but holds "
            + t.getRawData().size() + " bytes of data");
      }
      return false;
    }
    long held = (long) t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount() + t.getDoubleDataCount()
        + t.getUint64DataCount();
    long expected = typedValues(name, type, elements);
    if (held != expected) {
      throw refuse(name + " declares dims " + t.getDimsList() + " (" + elements + " values) but holds "
          + (held == 0 ? "no data" : held + " values"));
    }
    return false;
  }

  /** Where a tensor's external data lies: the checked file, offset and length in bytes. */
  private record Location(String name, Path file, long offset, long length) {}

  private Location location(String tensor, OnnxMl.TensorProto t) {
    String location = null;
    boolean resolved = RESOLVED.equals(t.getDocString());
    long offset = 0;
    Long length = null;
    for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = number(tensor, "offset", e.getValue());
        case "length" -> length = number(tensor, "length", e.getValue());
        case "checksum" -> { }
        default -> throw refuse(tensor + ": unknown external_data key '" + PrintableText.of(e.getKey()) + "'");
      }
    }
    if (location == null || location.isEmpty()) {
      throw refuse(tensor + " has external data without a location");
    }
    String shown = PrintableText.of(location);
    Path rel;
    try {
      rel = Path.of(location);
    } catch (RuntimeException e) {
      throw refuse(tensor + ": external data location '" + shown + "' is not a file name");
    }
    boolean absolute = rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\");
    if (absolute && !resolved) {
      throw refuse(tensor + ": external data location '" + shown + "' is absolute; it must be relative to the model's folder");
    }
    for (Path part : rel) {
      if (part.toString().equals("..")) {
        throw refuse(tensor + ": external data location '" + shown + "' contains '..'; it must stay in the model's folder");
      }
    }
    Path folder = folder();
    Path real;
    try {
      real = (absolute ? rel : folder.resolve(rel)).toRealPath();
    } catch (IOException e) {
      throw refuse(tensor + ": external data location '" + shown + "' cannot be opened (" + e.getClass().getSimpleName()
          + ")");
    }
    if (!real.startsWith(folder)) {
      throw refuse(tensor + ": external data location '" + shown + "' resolves outside the model's folder");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw refuse(tensor + ": external data location '" + shown + "' is not a regular file");
    }
    long size = fileSizes.computeIfAbsent(real, this::size);
    if (offset > size) {
      throw refuse(tensor + ": external data offset " + offset + " is past the end of '" + shown + "' (" + size
          + " bytes)");
    }
    long len = length == null ? size - offset : length;
    if (len > size - offset) {
      throw refuse(tensor + ": external data offset " + offset + " + length " + len + " is past the end of '" + shown
          + "' (" + size + " bytes)");
    }
    return new Location(location, real, offset, len);
  }

  private long size(Path real) {
    try {
      return Files.size(real);
    } catch (IOException e) {
      throw refuse("cannot read the size of external data file '" + PrintableText.of(folder().relativize(real).toString())
          + "' (" + e.getMessage() + ")");
    }
  }

  private long number(String tensor, String key, String value) {
    long v;
    try {
      v = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw refuse(tensor + ": external data " + key + " '" + PrintableText.of(value) + "' is not an integer");
    }
    if (v < 0) {
      throw refuse(tensor + ": external data " + key + " " + v + " is negative");
    }
    return v;
  }

  /** The graph with external tensors inlined, or with large ones kept external at their real paths. */
  private OnnxMl.GraphProto inlineGraph(OnnxMl.GraphProto g, boolean keepLarge) {
    OnnxMl.GraphProto.Builder b = g.toBuilder();
    for (int i = 0; i < b.getInitializerCount(); i++) {
      b.setInitializer(i, inlineTensor("initializer", b.getInitializer(i), keepLarge));
    }
    for (int i = 0; i < b.getNodeCount(); i++) {
      OnnxMl.NodeProto.Builder n = b.getNode(i).toBuilder();
      for (int j = 0; j < n.getAttributeCount(); j++) {
        OnnxMl.AttributeProto.Builder a = n.getAttribute(j).toBuilder();
        if (a.hasT()) {
          a.setT(inlineTensor("node '" + PrintableText.of(n.getName()) + "' attribute", a.getT(), keepLarge));
        }
        if (a.hasG()) {
          a.setG(inlineGraph(a.getG(), keepLarge));
        }
        for (int k = 0; k < a.getGraphsCount(); k++) {
          a.setGraphs(k, inlineGraph(a.getGraphs(k), keepLarge));
        }
        n.setAttribute(j, a);
      }
      b.setNode(i, n);
    }
    return b.build();
  }

  private OnnxMl.TensorProto inlineTensor(String what, OnnxMl.TensorProto t, boolean keepLarge) {
    if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
      return t;
    }
    String name = what + " '" + PrintableText.of(t.getName()) + "'";
    Location loc = location(name, t);
    if (keepLarge && loc.length >= smallTensorBytes) {
      return t.toBuilder().clearExternalData()
          .addExternalData(entry("location", loc.file.toString()))
          .addExternalData(entry("offset", Long.toString(loc.offset)))
          .addExternalData(entry("length", Long.toString(loc.length)))
          .setDocString(RESOLVED)
          .build();
    }
    ByteString data;
    try (InputStream in = Files.newInputStream(loc.file)) {
      in.skipNBytes(loc.offset);
      data = ByteString.copyFrom(in.readNBytes(Math.toIntExact(loc.length)));
    } catch (IOException e) {
      throw refuse(name + ": cannot read external data '" + PrintableText.of(loc.name) + "' (" + e.getMessage() + ")");
    }
    if (data.size() != loc.length) {
      throw refuse(name + ": external data '" + PrintableText.of(loc.name) + "' changed while it was read");
    }
    return t.toBuilder().clearExternalData().setDataLocation(OnnxMl.TensorProto.DataLocation.DEFAULT).setRawData(data)
        .build();
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** Bytes of {@code elements} values of an ONNX data type, refusing unknown types. */
  private long dataBytes(String tensor, int type, long elements) {
    try {
      return switch (type) {
        case 2, 3, 9, 17, 18, 19, 20 -> elements;
        case 4, 5, 10, 16 -> Math.multiplyExact(elements, 2L);
        case 1, 6, 12 -> Math.multiplyExact(elements, 4L);
        case 7, 11, 13, 14 -> Math.multiplyExact(elements, 8L);
        case 15 -> Math.multiplyExact(elements, 16L);
        case 21, 22, 23 -> (elements + 1) / 2;
        default -> throw refuse(tensor + " has unknown data_type " + type);
      };
    } catch (ArithmeticException e) {
      throw refuse(tensor + " declares more bytes than a long can count");
    }
  }

  /** How many values the typed fields (float_data, int32_data, …) hold for a tensor. */
  private long typedValues(String tensor, int type, long elements) {
    return switch (type) {
      case 14, 15 -> Math.multiplyExact(elements, 2L);
      case 21, 22, 23 -> (elements + 1) / 2;
      default -> {
        dataBytes(tensor, type, elements);
        yield elements;
      }
    };
  }

  private ModelLoadException refuse(String what) {
    return new ModelLoadException(PrintableText.of(modelFile.toString()) + ": " + what);
  }
}
