package io.lcnn.auditor.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Hex sha256 digests of input files, for audit.json's provenance. */
public final class FileDigest {
  private FileDigest() {}

  /** The hex sha256 of a file's bytes. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read for its digest: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Adds {@code name → sha256} when {@code name} is a regular file; for a dataset spec such as
   * {@code fashion-mnist:DIR:test}, adds every regular file of the folder DIR.
   */
  public static void addIfFile(Map<String, String> digests, String name) {
    if (name == null || digests.containsKey(name)) {
      return;
    }
    Path p = Path.of(name);
    if (Files.isRegularFile(p)) {
      digests.put(name, sha256(p));
      return;
    }
    String[] parts = name.split(":");
    if (parts.length >= 2 && Files.isDirectory(Path.of(parts[1]))) {
      try (var files = Files.list(Path.of(parts[1]))) {
        files.filter(Files::isRegularFile).sorted()
            .forEach(f -> digests.putIfAbsent(f.toString(), sha256(f)));
      } catch (IOException e) {
        throw new UncheckedIOException(parts[1] + ": cannot list for digests: " + e.getMessage(), e);
      }
    }
  }
}
