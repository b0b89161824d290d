package io.clusterimage.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The up-to-date checks' fingerprint of a tree: unchanged files give the same value without being read; a file
 * replaced by another of the same size and modification time, or touched within the same millisecond, does not.
 */
class FingerprintTest {

    @TempDir
    Path dir;

    private String of(Path root) throws Exception {
        return new Fingerprint("test").addTree(root, path -> path.getFileName().toString().equals("target")).value();
    }

    @Test
    void sameFilesSameValueAndEveryKindOfChangeIsNoticed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("context"));
        Path file = Files.writeString(root.resolve("manifest.yaml"), "kind: Pod\n");
        FileTime time = FileTime.from(Instant.parse("2026-01-01T00:00:00.000000100Z"));
        Files.setLastModifiedTime(file, time);
        String first = of(root);
        assertEquals(first, of(root), "nothing changed");

        Files.createDirectories(root.resolve("target/classes"));
        Files.writeString(root.resolve("target/classes/x"), "build output");
        assertEquals(first, of(root), "an excluded directory is not part of it");

        // another file of the same size and time moved over it (what an mtime-preserving copy or checkout does)
        Path other = Files.writeString(dir.resolve("other.yaml"), "kind: Job\n");
        Files.setLastModifiedTime(other, time);
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(time, Files.getLastModifiedTime(file));
        String replaced = of(root);
        assertNotEquals(first, replaced, "same size and time, another file");

        // the same millisecond, another nanosecond
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00.000000200Z")));
        assertNotEquals(replaced, of(root), "a time that differs below the millisecond");
    }
}
