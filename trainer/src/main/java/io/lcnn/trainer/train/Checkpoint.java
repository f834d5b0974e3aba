package io.lcnn.trainer.train;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.datasets.AtomicFiles;
import io.lcnn.trainer.model.Blocks;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained model on disk: {@value #PARAMS} (DJL parameter file, all parameters including
 * power-iteration vectors and running statistics), {@value #MODEL} (architecture, class names,
 * recipe, dataset, epoch, β and γ, test accuracy) and {@value #RECORD} (how it was trained).
 * Every file is written atomically, parameters first, so a crash keeps the previous good state.
 */
public final class Checkpoint {
  /** Parameter file name. */
  public static final String PARAMS = "model.params";
  /** Model description file name. */
  public static final String MODEL = "model.json";
  /** Training record file name. */
  public static final String RECORD = "training.json";
  /** The value of {@code format} in model.json. */
  public static final String FORMAT = "lcnn-checkpoint/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Checkpoint() {}

  /** The shared JSON mapper (indented output). */
  public static ObjectMapper json() {
    return JSON;
  }

  /** Writes parameters, model.json (from {@code model}, completed with the spec, β and γ) and the record. */
  public static void save(Path dir, Network net, ObjectNode model, JsonNode record) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        net.block().saveParameters(out);
      }
      AtomicFiles.write(dir.resolve(PARAMS), bytes.toByteArray());
      ObjectNode m = model.deepCopy();
      m.put("format", FORMAT);
      ModelSpec s = net.spec();
      m.put("family", s.family().id());
      m.put("lcnn", s.lcnn());
      m.put("activationBeta", s.activationBeta());
      m.put("width", s.width());
      ArrayNode shape = m.putArray("inputShape");
      shape.add(s.channels()).add(s.height()).add(s.widthPixels());
      m.put("numClasses", s.numClasses());
      ArrayNode betas = m.putArray("betas");
      for (double b : Blocks.learnableBetas(net.block())) {
        betas.add(b);
      }
      ArrayNode gammas = m.putArray("gammas");
      for (double g : Blocks.gammas(net.block())) {
        gammas.add(g);
      }
      AtomicFiles.writeString(dir.resolve(MODEL), JSON.writeValueAsString(m));
      if (record != null) {
        AtomicFiles.writeString(dir.resolve(RECORD), JSON.writeValueAsString(record));
      }
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot write checkpoint (" + e.getMessage() + ")", e);
    }
  }

  /** Reads model.json. */
  public static JsonNode readModel(Path dir) {
    Path f = dir.resolve(MODEL);
    if (!Files.isRegularFile(f)) {
      throw new CheckpointException(dir + ": not a checkpoint folder (no " + MODEL + ")");
    }
    try {
      JsonNode m = JSON.readTree(f.toFile());
      if (!FORMAT.equals(m.path("format").asText())) {
        throw new CheckpointException(f + ": not an lcnn checkpoint (format '" + m.path("format").asText() + "')");
      }
      return m;
    } catch (IOException e) {
      throw new CheckpointException(f + ": unreadable (" + e.getMessage().split("\n")[0] + ")", e);
    }
  }

  /** Reads training.json, or null when the folder has none. */
  public static JsonNode readRecord(Path dir) {
    Path f = dir.resolve(RECORD);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      return JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new CheckpointException(f + ": unreadable (" + e.getMessage().split("\n")[0] + ")", e);
    }
  }

  /** The architecture recorded in model.json. */
  public static ModelSpec spec(JsonNode m) {
    JsonNode shape = m.path("inputShape");
    try {
      return new ModelSpec(ModelFamily.parse(m.path("family").asText()), m.path("lcnn").asBoolean(),
          m.path("activationBeta").asDouble(), m.path("width").asDouble(), shape.get(0).asInt(),
          shape.get(1).asInt(), shape.get(2).asInt(), m.path("numClasses").asInt());
    } catch (RuntimeException e) {
      throw new CheckpointException("model.json: incomplete architecture (" + e.getMessage() + ")", e);
    }
  }

  /** Rebuilds the network recorded in {@code dir} and loads its parameters. */
  public static Network load(Path dir) {
    return load(dir, spec(readModel(dir)));
  }

  /**
   * Loads {@code dir}'s parameters into a new network of {@code expected}; refuses a checkpoint
   * whose recorded architecture differs (another family, build, width or input shape).
   */
  public static Network load(Path dir, ModelSpec expected) {
    ModelSpec recorded = spec(readModel(dir));
    if (!recorded.equals(expected)) {
      throw new CheckpointException(dir + ": checkpoint holds a " + describe(recorded)
          + ", not the requested " + describe(expected));
    }
    Path params = dir.resolve(PARAMS);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(params);
    } catch (IOException e) {
      throw new CheckpointException(params + ": cannot read (" + e.getMessage() + ")", e);
    }
    Network net = Network.create(recorded);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      net.block().loadParameters(net.manager(), in);
      for (ai.djl.nn.Parameter p : net.block().getParameters().values()) {
        p.getArray().setRequiresGradient(p.requiresGradient());
      }
    } catch (IOException | MalformedModelException | RuntimeException e) {
      net.close();
      throw new CheckpointException(params + ": parameters do not fit a " + describe(recorded)
          + " (" + e.getMessage() + ")", e);
    }
    return net;
  }

  /** e.g. "small-cnn (LCNN build, width 1.0, input 1x28x28, 10 classes)". */
  public static String describe(ModelSpec s) {
    return String.format("%s (%s build, width %s, input %dx%dx%d, %d classes)", s.family().id(),
        s.lcnn() ? "LCNN" : "standard β=" + s.activationBeta(), s.width(), s.channels(), s.height(),
        s.widthPixels(), s.numClasses());
  }
}
