package io.lcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.errors.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staged output folder: nothing reaches the target before commit, commit replaces it whole,
 * a second writer is refused, a swap cut between its renames is put back, and files get the
 * umask's permissions.
 */
class StagedFolderTest {
  @TempDir Path tmp;

  private List<String> siblings() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void targetIsUntouchedUntilCommitAndThenReplacedWhole() throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("gallery"));
    Files.writeString(out.resolve("audit.json"), "old");
    Files.writeString(out.resolve("gallery/stale.npy"), "old");
    try (StagedFolder f = StagedFolder.open("--out", out)) {
      Files.writeString(f.dir().resolve("audit.json"), "new");
      assertEquals("old", Files.readString(out.resolve("audit.json")));
      f.commit();
    }
    assertEquals("new", Files.readString(out.resolve("audit.json")));
    assertFalse(Files.exists(out.resolve("gallery")), "a file of the old folder survived");
    assertEquals(List.of(".out.lock", "out"), siblings());
  }

  @Test
  void closingWithoutCommitLeavesTheTargetAsItWas() throws IOException {
    Path out = tmp.resolve("out");
    try (StagedFolder f = StagedFolder.open("--out", out)) {
      Files.writeString(f.dir().resolve("audit.json"), "new");
    }
    assertFalse(Files.exists(out));
    assertEquals(List.of(".out.lock"), siblings());
  }

  @Test
  void secondWriterIsRefusedWhileTheFirstHoldsTheLock() {
    Path out = tmp.resolve("out");
    try (StagedFolder f = StagedFolder.open("--out", out)) {
      BadInputException e = assertThrows(BadInputException.class, () -> StagedFolder.open("--out", out));
      assertTrue(e.getMessage().contains("another lcnn process is writing it"), e.getMessage());
    }
    StagedFolder.open("--out", out).close();
  }

  @Test
  void swapCutBetweenItsRenamesIsPutBackByTheNextReader() throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("audit.json"), "old");
    Files.createFile(tmp.resolve(".out.lock"));
    Files.move(out, tmp.resolve(".out.old-123"));
    Files.createDirectories(tmp.resolve(".out.staging-456"));
    StagedFolder.recover(out);
    assertEquals("old", Files.readString(out.resolve("audit.json")));
    assertEquals(List.of(".out.lock", "out"), siblings());
  }

  @Test
  void mapSendsPathsInsideTheTargetToTheStagingFolder() {
    Path out = tmp.resolve("out");
    try (StagedFolder f = StagedFolder.open("--out", out)) {
      assertEquals(f.dir().resolve("adv/eps.npy"), f.map(out.resolve("adv/eps.npy")));
      assertEquals(tmp.resolve("elsewhere.npy"), f.map(tmp.resolve("elsewhere.npy")));
    }
  }

  @Test
  void atomicFilesGetTheUmasksPermissionsLikeAPlainWrite() throws IOException {
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");
    Path atomic = tmp.resolve("atomic.txt");
    AtomicFiles.writeString(atomic, "x");
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(atomic)));
  }
}
