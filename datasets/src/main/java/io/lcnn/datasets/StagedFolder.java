package io.lcnn.datasets;

import io.lcnn.errors.BadInputException;
import io.lcnn.errors.PrintableText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An output folder written all or nothing. Everything goes into a staging folder beside the
 * target ({@code .NAME.staging-RANDOM}); {@link #commit} renames it into place, so the target is
 * at any moment either as it was before or complete. A lock file beside the target ({@code
 * .NAME.lock}, held with an OS file lock that dies with the process) refuses a second writer.
 * When the target already exists it is renamed aside ({@code .NAME.old-RANDOM}), the staging
 * folder renamed in, and the old one deleted; a process killed between those two renames is
 * repaired by the next {@link #open}, which puts the old folder back. Files and folders are
 * created with the process's umask.
 */
public final class StagedFolder implements AutoCloseable {
  /**
   * Crash-test hook: a system property naming points ({@code staged}, {@code before-commit},
   * {@code mid-commit}, comma-separated) at which the process announces {@code "lcnn: paused at
   * POINT"} on stderr and waits to be killed. Unset in normal use.
   */
  public static final String PAUSE_PROPERTY = "lcnn.staging.pause";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path target;
  private final Path staging;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean committed;

  private StagedFolder(Path target, Path staging, FileChannel lockChannel, FileLock lock) {
    this.target = target;
    this.staging = staging;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Checks that {@code target} can be written (not a file, not below a file, its folder
   * writable), takes the lock, repairs what a killed writer left, and creates the staging folder.
   *
   * @param flag the option that named the folder, for messages (e.g. {@code --out})
   * @throws BadInputException one line naming the flag, the folder and the problem
   */
  public static StagedFolder open(String flag, Path target) {
    Path abs = target.toAbsolutePath().normalize();
    String shown = flag + " " + PrintableText.of(target.toString());
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      throw new BadInputException(flag, shown + ": cannot write a folder at the file system's root", null);
    }
    for (Path p = parent; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new BadInputException(flag, shown + ": cannot be created below " + PrintableText.of(p.toString())
              + ", which is a file", null);
        }
        break;
      }
    }
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
      throw new BadInputException(flag, shown + ": exists and is not a folder", null);
    }
    if (Files.isDirectory(abs) && !Files.isWritable(abs)) {
      throw new BadInputException(flag, shown + ": the folder is read-only", null);
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new BadInputException(flag, shown + ": cannot create its parent folder (" + reason(e) + ")", e);
    }
    if (!Files.isWritable(parent)) {
      throw new BadInputException(flag, shown + ": its parent folder " + PrintableText.of(parent.toString())
          + " is read-only", null);
    }
    String name = abs.getFileName().toString();
    Path lockFile = parent.resolve("." + name + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new BadInputException(flag, shown + ": cannot create the lock file (" + reason(e) + ")", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new BadInputException(flag, shown + ": another lcnn process is writing it (lock "
          + PrintableText.of(lockFile.toString()) + ")", null);
    }
    try {
      repair(parent, name, abs);
      Path staging = parent.resolve("." + name + ".staging-" + token());
      Files.createDirectory(staging);
      pause("staged");
      return new StagedFolder(abs, staging, channel, lock);
    } catch (IOException | RuntimeException e) {
      releaseQuietly(lock, channel);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BadInputException(flag, shown + ": cannot prepare the staging folder (" + reason((IOException) e) + ")", e);
    }
  }

  /**
   * Puts back a target folder that a writer killed in the middle of {@link #commit} left renamed
   * aside, so that readers see it as it was before. Does nothing when the target exists, when
   * nothing was left aside, or when a live writer holds the lock (it will finish the swap).
   */
  public static void recover(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || Files.exists(abs, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(parent)) {
      return;
    }
    String name = abs.getFileName().toString();
    Path lockFile = parent.resolve("." + name + ".lock");
    if (!Files.exists(lockFile)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        try {
          repair(parent, name, abs);
        } finally {
          lock.release();
        }
      }
    } catch (IOException | OverlappingFileLockException e) {
      // left as found: the reader then reports the target as missing
    }
  }

  /** The staging folder, where everything meant for the target is written. */
  public Path dir() {
    return staging;
  }

  /** The target folder (absolute). */
  public Path target() {
    return target;
  }

  /**
   * Where to write a path meant for somewhere inside the target: the same place inside the
   * staging folder; paths outside the target are returned unchanged.
   */
  public Path map(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(target) ? staging.resolve(target.relativize(abs).toString()) : p;
  }

  /**
   * Writes the folder's {@link FolderManifest} and renames the staging folder into place (the
   * old target, if any, is replaced and deleted).
   */
  public void commit() {
    FolderManifest.write(staging);
    pause("before-commit");
    try {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + token());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        pause("mid-commit");
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        deleteTree(old);
      } else {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot move the finished output into place (" + reason(e) + ")", e);
    }
  }

  /** Deletes the staging folder unless committed, and releases the lock. */
  @Override
  public void close() {
    try {
      if (!committed) {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(staging + ": cannot delete the staging folder (" + reason(e) + ")", e);
    } finally {
      releaseQuietly(lock, lockChannel);
    }
  }

  /**
   * Repairs what a killed writer left beside the target: a target renamed aside but not replaced
   * is put back; old copies and staging folders are deleted.
   */
  private static void repair(Path parent, String name, Path target) throws IOException {
    String oldPrefix = "." + name + ".old-";
    String stagingPrefix = "." + name + ".staging-";
    try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> {
      String f = p.getFileName().toString();
      return f.startsWith(oldPrefix) || f.startsWith(stagingPrefix);
    })) {
      for (Path p : s) {
        if (p.getFileName().toString().startsWith(oldPrefix) && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
          deleteTree(p);
        }
      }
    }
  }

  /** Deletes a file tree without following symbolic links. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void pause(String point) {
    String points = System.getProperty(PAUSE_PROPERTY);
    if (points == null || !java.util.Arrays.asList(points.split(",")).contains(point)) {
      return;
    }
    System.err.println("lcnn: paused at " + point);
    System.err.flush();
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String token() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String reason(IOException e) {
    return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static void releaseQuietly(FileLock lock, FileChannel channel) {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the lock dies with the channel
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
