package io.lcnn.auditor.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lcnn.auditor.testing.ReferenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The exporter-zoo corpus of {@code fixtures/zoo} (written by {@code tools/zoo/make_zoo.py}): one
 * {@link Entry} per exported model (or per export that torch refused), read from its
 * {@code manifest.json}.
 */
record ZooCorpus(Path dir, List<Entry> entries) {
  /**
   * One model of the corpus.
   *
   * @param name family/variant, e.g. {@code resnet/opset13-fold-dynamic}
   * @param exporter torch.onnx, or the exporter whose layout a hand-written graph copies
   * @param opset default-domain opset
   * @param folding constant folding on or off; {@code "-"} for hand-written graphs
   * @param batch {@code dynamic} or the fixed batch size
   * @param file the model, relative to the corpus; null when the export failed
   * @param reference folder of the family's float64 references, relative to the corpus
   * @param exportError why torch.onnx refused the export; null when it did not
   */
  record Entry(String name, String exporter, int opset, String folding, String batch, String file,
      String reference, String exportError) {
    String family() {
      return name.substring(0, name.indexOf('/'));
    }

    String variant() {
      return name.substring(name.indexOf('/') + 1);
    }
  }

  /** The corpus folder: the system property {@code lcnn.zoo}, else {@code fixtures/zoo}. */
  static Path defaultDir() {
    String dir = System.getProperty("lcnn.zoo");
    return dir != null ? Path.of(dir) : ReferenceModel.fixtures().resolve("zoo");
  }

  static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve("manifest.json"));
  }

  static ZooCorpus read(Path dir) {
    try {
      JsonNode root = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
      List<Entry> out = new ArrayList<>();
      for (JsonNode m : root.get("models")) {
        JsonNode fold = m.get("folding");
        out.add(new Entry(m.get("name").asText(), m.get("exporter").asText(), m.get("opset").asInt(),
            fold.isNull() ? "-" : fold.asBoolean() ? "on" : "off", m.get("batch").asText(),
            m.hasNonNull("file") ? m.get("file").asText() : null, m.get("reference").asText(),
            m.hasNonNull("export_error") ? m.get("export_error").asText() : null));
      }
      return new ZooCorpus(dir, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
