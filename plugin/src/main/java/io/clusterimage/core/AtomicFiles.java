package io.clusterimage.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a build output so that readers never see half of it: into a temporary file next to the
 * target, then renamed over it. The result is readable by all (rw-r--r--) like any build output,
 * though temporary files are created private.
 */
public final class AtomicFiles {

    /** Streams the content of the file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            // WRITE only: truncating the new, empty file would make ext4 write it out on close (auto_da_alloc)
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.WRITE), 1 << 20)) {
                writer.write(out);
            }
            makeReadable(temp);
            replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Renames a finished file over {@code target}. The old target is deleted first: renaming over an
     * existing file makes ext4 start writing the new one out (its replace-via-rename heuristic, 0.1–0.3 s
     * for an archive of half a gigabyte), a durability guarantee a rebuildable output does not need.
     * Readers still never see a partial file, only, for a moment, none.
     */
    public static void replace(Path finished, Path target) throws IOException {
        Files.deleteIfExists(target);
        Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Gives a file the usual mode of an output, rw-r--r-- (a temporary file is created rw-------), where the
     * file system has POSIX modes.
     */
    public static void makeReadable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions are fine
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }
}
