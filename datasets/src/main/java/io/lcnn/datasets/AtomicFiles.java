package io.lcnn.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers never see a half-written one: the bytes go to a temporary file in
 * the same folder, which is then moved over the target. Files get the permissions the process's
 * umask gives (not the 0600 of {@code Files.createTempFile}).
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code target} atomically, creating parent folders. */
  public static void write(Path target, byte[] bytes) {
    Path abs = target.toAbsolutePath();
    try {
      Files.createDirectories(abs.getParent());
      Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
      try {
        Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** Writes a UTF-8 string to {@code target} atomically. */
  public static void writeString(Path target, String text) {
    write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Checks, before any work, that a file can later be written at {@code target}: it is not a
   * folder, and its nearest existing ancestor is a writable folder (not a file).
   *
   * @param flag the option that named the file, for the message
   * @throws io.lcnn.errors.BadInputException one line naming the flag and the path
   */
  public static void checkWritable(String flag, Path target) {
    Path abs = target.toAbsolutePath().normalize();
    String shown = flag + " " + io.lcnn.errors.PrintableText.of(target.toString());
    if (Files.isDirectory(abs)) {
      throw new io.lcnn.errors.BadInputException(flag, shown + ": is a folder, expected a file name", null);
    }
    for (Path p = abs.getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new io.lcnn.errors.BadInputException(flag, shown + ": cannot be created below " + p + ", which is a file", null);
        }
        if (!Files.isWritable(p)) {
          throw new io.lcnn.errors.BadInputException(flag, shown + ": the folder " + p + " is read-only", null);
        }
        return;
      }
    }
  }
}
