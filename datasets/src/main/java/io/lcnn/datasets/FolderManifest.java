package io.lcnn.datasets;

import io.lcnn.errors.BadInputException;
import io.lcnn.errors.PrintableText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The list of files an output folder held when it was finished, with their SHA-256 digests, in
 * {@code sha256sum} format ({@value #NAME}: {@code <hex>  <relative path>} per line, so {@code
 * sha256sum -c MANIFEST.sha256} checks it too). Readers verify it to refuse a folder whose files
 * were mixed with another run's, edited, or lost after it was written.
 */
public final class FolderManifest {
  /** The manifest's file name inside the folder. */
  public static final String NAME = "MANIFEST.sha256";

  private FolderManifest() {}

  /** Writes the manifest of every regular file under {@code dir} (except itself). */
  public static void write(Path dir) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> files = s.filter(Files::isRegularFile).filter(p -> !p.equals(dir.resolve(NAME))).sorted().toList();
      for (Path f : files) {
        sb.append(sha256(f)).append("  ").append(dir.relativize(f).toString().replace('\\', '/')).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list the finished folder (" + e.getMessage() + ")", e);
    }
    AtomicFiles.writeString(dir.resolve(NAME), sb.toString());
  }

  /**
   * Checks the folder against its manifest, when it has one: every listed file must exist inside
   * the folder with the listed digest.
   *
   * @throws BadInputException one line naming the folder and the first file that does not match
   */
  public static void verify(Path dir) {
    Path manifest = dir.resolve(NAME);
    if (!Files.isRegularFile(manifest)) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException(manifest + ": cannot read (" + e.getMessage() + ")", e);
    }
    Path root = dir.toAbsolutePath().normalize();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf("  ");
      if (sep != 64) {
        throw new BadInputException(manifest + ": malformed line '" + PrintableText.of(line) + "'");
      }
      String rel = line.substring(sep + 2);
      Path file = root.resolve(rel).normalize();
      String shown = PrintableText.of(rel);
      if (!file.startsWith(root) || file.equals(root)) {
        throw new BadInputException(manifest + ": lists '" + shown + "', which is outside the folder");
      }
      String why = !Files.isRegularFile(file) ? "is missing"
          : !sha256(file).equals(line.substring(0, sep)) ? "differs from the file the audit wrote" : null;
      if (why != null) {
        throw new BadInputException(dir + ": " + shown + " " + why + " (" + NAME
            + "; the folder was changed after it was written: rerun the audit)");
      }
    }
  }

  private static String sha256(Path f) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(f + ": cannot read (" + e.getMessage() + ")", e);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
