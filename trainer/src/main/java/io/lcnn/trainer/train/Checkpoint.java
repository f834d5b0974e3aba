package io.lcnn.trainer.train;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lcnn.trainer.model.Blocks;
import io.lcnn.trainer.model.ModelFamily;
import io.lcnn.trainer.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A trained model on disk: {@value #PARAMS} (DJL parameter file, all parameters including
 * power-iteration vectors and running statistics), {@value #MODEL} (architecture, class names,
 * recipe, dataset, epoch, β and γ, test accuracy, and the SHA-256 of {@value #PARAMS}) and
 * {@value #RECORD} (how it was trained).
 *
 * <p>A save never touches the folder it replaces until the new checkpoint is complete: the three
 * files go to a sibling folder {@code DIR.next} (parameters, record, then model.json, each synced
 * to disk), the old folder is renamed to {@code DIR.previous}, {@code DIR.next} is renamed to
 * {@code DIR}, and only then is {@code DIR.previous} deleted. A process killed at any point leaves
 * a complete checkpoint in one of the three folders; {@link #locate} finds it (readers use it),
 * and the next save puts it back in place. Loading verifies the parameters' SHA-256.
 */
public final class Checkpoint {
  /** Parameter file name. */
  public static final String PARAMS = "model.params";
  /** Model description file name. */
  public static final String MODEL = "model.json";
  /** Training record file name. */
  public static final String RECORD = "training.json";
  /** The value of {@code format} in model.json. */
  public static final String FORMAT = "lcnn-checkpoint/2";
  /** The earlier format, without a parameter checksum; still loaded, unverified. */
  static final String FORMAT_V1 = "lcnn-checkpoint/1";
  /** The model.json field holding the hex SHA-256 of {@value #PARAMS}. */
  public static final String PARAMS_SHA256 = "paramsSha256";
  /** Suffix of the folder a save writes before switching to it. */
  static final String NEXT = ".next";
  /** Suffix the replaced folder carries until the switch is done. */
  static final String PREVIOUS = ".previous";
  /** Called with the name of each completed stage of a save (tests kill the process there). */
  static volatile java.util.function.Consumer<String> stageHook = stage -> { };
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Checkpoint() {}

  /** The shared JSON mapper (indented output). */
  public static ObjectMapper json() {
    return JSON;
  }

  /**
   * Writes parameters, model.json (from {@code model}, completed with the spec, β, γ and the
   * parameters' SHA-256) and the record as a new checkpoint in {@code dir}, replacing the one there
   * only once the new one is complete (see the class comment). Refuses a {@code dir} that holds
   * files other than a checkpoint's.
   */
  public static void save(Path dir, Network net, ObjectNode model, JsonNode record) {
    Path next = sibling(dir, NEXT);
    Path previous = sibling(dir, PREVIOUS);
    try {
      restore(dir);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        net.block().saveParameters(out);
      }
      byte[] params = bytes.toByteArray();
      ObjectNode m = describeModel(net, model);
      m.put(PARAMS_SHA256, sha256(params));
      deleteCheckpointFolder(next);
      Files.createDirectories(next);
      writeSynced(next.resolve(PARAMS), params);
      stageHook.accept("params");
      if (record != null) {
        writeSynced(next.resolve(RECORD), JSON.writeValueAsBytes(record));
        stageHook.accept("record");
      }
      writeSynced(next.resolve(MODEL), JSON.writeValueAsBytes(m));
      stageHook.accept("model");
      if (Files.exists(dir)) {
        Files.move(dir, previous, StandardCopyOption.ATOMIC_MOVE);
        stageHook.accept("moved-aside");
      }
      Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
      stageHook.accept("switched");
      deleteCheckpointFolder(previous);
      stageHook.accept("done");
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot write checkpoint (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The folder that holds the newest complete checkpoint saved to {@code dir}: {@code dir} itself,
   * or, when a save was killed between its two renames, {@code dir.next} (complete) or
   * {@code dir.previous}. Returns {@code dir} when none of them holds one.
   */
  public static Path locate(Path dir) {
    if (Files.isRegularFile(dir.resolve(MODEL))) {
      return dir;
    }
    Path next = sibling(dir, NEXT);
    if (Files.isRegularFile(next.resolve(MODEL))) {
      return next;
    }
    Path previous = sibling(dir, PREVIOUS);
    return Files.isRegularFile(previous.resolve(MODEL)) ? previous : dir;
  }

  /**
   * Checks, before any training, that a save to {@code dir} can go ahead: refuses a file, a folder
   * holding files other than a checkpoint's, and (unless {@code replace}) a folder holding a
   * checkpoint. Each refusal is one line naming the folder and, where one helps, the flag.
   */
  public static void checkTarget(Path dir, boolean replace) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": is a file; --out names the checkpoint folder to write");
    }
    if (exists(dir) && !replace) {
      throw new CheckpointException(dir + ": already holds a checkpoint; add --force to replace it");
    }
    if (Files.isDirectory(dir)) {
      try {
        checkOnlyCheckpointFiles(dir);
      } catch (IOException e) {
        throw new CheckpointException(dir + ": cannot list (" + e.getMessage() + ")", e);
      }
    }
  }

  /** Whether {@code dir} (or a folder {@link #locate} falls back to) holds a checkpoint. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(locate(dir).resolve(MODEL));
  }

  /** Puts the checkpoint {@link #locate} finds back at {@code dir} and removes leftovers of a killed save. */
  private static void restore(Path dir) throws IOException {
    Path found = locate(dir);
    if (!found.equals(dir)) {
      if (Files.exists(dir)) {
        checkOnlyCheckpointFiles(dir);
        deleteCheckpointFolder(dir);
      }
      Files.move(found, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new CheckpointException(dir + ": is a file, not a checkpoint folder");
      }
      checkOnlyCheckpointFiles(dir);
    }
    deleteCheckpointFolder(sibling(dir, NEXT));
    deleteCheckpointFolder(sibling(dir, PREVIOUS));
  }

  private static ObjectNode describeModel(Network net, ObjectNode model) {
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
    return m;
  }

  private static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  private static Path sibling(Path dir, String suffix) {
    Path abs = dir.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + suffix);
  }

  /** Refuses a folder holding anything but a checkpoint's files (a save replaces the whole folder). */
  private static void checkOnlyCheckpointFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f) || !(name.equals(PARAMS) || name.equals(MODEL) || name.equals(RECORD))) {
          throw new CheckpointException(dir + ": holds " + name + ", which is not part of a checkpoint;"
              + " a save replaces the whole folder, so give an empty or new folder");
        }
      }
    }
  }

  private static void deleteCheckpointFolder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    checkOnlyCheckpointFiles(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  /** Hex SHA-256 of {@code bytes}. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Reads model.json. */
  public static JsonNode readModel(Path dir) {
    Path f = locate(dir).resolve(MODEL);
    if (!Files.isRegularFile(f)) {
      throw new CheckpointException(dir + ": not a checkpoint folder (no " + MODEL + ")");
    }
    try {
      JsonNode m = JSON.readTree(f.toFile());
      String format = m.path("format").asText();
      if (!FORMAT.equals(format) && !FORMAT_V1.equals(format)) {
        throw new CheckpointException(f + ": not an lcnn checkpoint (format '" + m.path("format").asText() + "')");
      }
      return m;
    } catch (IOException e) {
      throw new CheckpointException(f + ": unreadable (" + e.getMessage().split("\n")[0] + ")", e);
    }
  }

  /** Reads training.json, or null when the folder has none. */
  public static JsonNode readRecord(Path dir) {
    Path f = locate(dir).resolve(RECORD);
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
    JsonNode model = readModel(dir);
    ModelSpec recorded = spec(model);
    if (!recorded.equals(expected)) {
      throw new CheckpointException(dir + ": checkpoint holds a " + describe(recorded)
          + ", not the requested " + describe(expected));
    }
    Path params = locate(dir).resolve(PARAMS);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(params);
    } catch (IOException e) {
      throw new CheckpointException(params + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (FORMAT.equals(model.path("format").asText())) {
      String expectedSha = model.path(PARAMS_SHA256).asText("");
      String actualSha = sha256(bytes);
      if (!actualSha.equals(expectedSha)) {
        throw new CheckpointException(params + ": corrupted (SHA-256 " + actualSha.substring(0, 12)
            + "… differs from the " + (expectedSha.isEmpty() ? "missing " + PARAMS_SHA256 : expectedSha.substring(0,
                Math.min(12, expectedSha.length())) + "…") + " recorded in " + MODEL + ")");
      }
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
