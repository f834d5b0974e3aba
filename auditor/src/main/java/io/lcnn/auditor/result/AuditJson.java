package io.lcnn.auditor.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lcnn.datasets.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Writes and reads {@code audit.json}; writes are atomic (temporary file, then move). */
public final class AuditJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /**
   * The reader: strict where a hand-edited or hostile file could mislead, i.e. duplicate keys,
   * anything after the top-level object, and scalar coercion ("1" for a number, 1.5 for an
   * integer, null for a number) are refused. NaN and ±Infinity, which lcnn writes, are accepted.
   */
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private AuditJson() {}

  /** The shared mapper (indented output, NaN allowed). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Serializes a result to JSON text. */
  public static String toJson(AuditResult result) {
    try {
      return MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize audit result: " + e.getMessage(), e);
    }
  }

  /** Writes {@code result} to {@code file} atomically. */
  public static void write(Path file, AuditResult result) {
    AtomicFiles.writeString(file, toJson(result));
  }

  /**
   * Reads an audit.json, refusing files that are not JSON, lack {@code schemaVersion} or carry a
   * version this code does not know. Errors are one line naming the file and the field.
   */
  public static AuditResult read(Path file) {
    JsonNode root;
    try {
      root = STRICT.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + ": not a complete audit.json (" + firstLine(e.getOriginalMessage()) + where(e) + ")", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not a readable audit.json (" + firstLine(e.getMessage()) + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": not an audit.json (top level is not an object)");
    }
    JsonNode v = root.get("schemaVersion");
    if (v == null) {
      throw new IllegalArgumentException(file + ": missing field 'schemaVersion' (not an lcnn audit.json)");
    }
    if (!v.isInt()) {
      throw new IllegalArgumentException(file + ": field 'schemaVersion' is " + v + ", expected an integer");
    }
    if (v.asInt() != AuditResult.SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          file + ": field 'schemaVersion' is " + v.asInt() + ", this lcnn reads " + AuditResult.SCHEMA_VERSION);
    }
    for (String field : new String[] {"model", "settings", "splits"}) {
      if (!root.hasNonNull(field)) {
        throw new IllegalArgumentException(file + ": missing field '" + field + "'");
      }
    }
    try {
      return STRICT.treeToValue(root, AuditResult.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + ": bad audit.json at field '" + fieldPath(e) + "' (" + firstLine(e.getOriginalMessage()) + ")", e);
    }
  }

  /** " in field 'a/b/0' at line L" for a parse error, from the parser's position when it stopped. */
  private static String where(JsonProcessingException e) {
    StringBuilder sb = new StringBuilder();
    if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p && p.getParsingContext() != null) {
      String pointer = p.getParsingContext().pathAsPointer().toString();
      if (!pointer.isEmpty()) {
        sb.append(" in field '").append(pointer.substring(1).replace('/', '.')).append('\'');
      }
    }
    if (e.getLocation() != null) {
      sb.append(" at line ").append(e.getLocation().getLineNr());
    }
    return sb.toString();
  }

  /** The dotted path of the field a mapping error is about, e.g. {@code splits.test.summary}. */
  private static String fieldPath(JsonProcessingException e) {
    if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException m) || m.getPath().isEmpty()) {
      return "?";
    }
    StringBuilder sb = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
