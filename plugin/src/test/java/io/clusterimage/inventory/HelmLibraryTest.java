package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * helm-java's native library is copied into the user cache once, named by its sha256, and found there by
 * later builds without reading the jar; a damaged copy is replaced; two builds at once share one copy.
 * (Loading is not tested here: a JVM can hold one Go runtime, and the chart tests load it through this path.)
 */
class HelmLibraryTest {

    @TempDir
    Path cache;

    @Test
    void copiedOnceNamedByItsHashThenFoundWithoutCopying() throws Exception {
        Path first = HelmLibrary.locate(cache);
        assertTrue(first.startsWith(cache.resolve("helm-java")), first.toString());
        assertEquals(sha256(first), first.getParent().getFileName().toString(), "the directory is the library's sha256");
        Files.setLastModifiedTime(first, FileTime.fromMillis(1_000_000));

        Path second = HelmLibrary.locate(cache);
        assertEquals(first, second);
        assertEquals(1_000_000, Files.getLastModifiedTime(second).toMillis(), "not copied again");
        try (Stream<Path> files = Files.list(cache.resolve("helm-java"))) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".unpack-")).toList(), "no temporary file left");
        }
    }

    @Test
    void aTruncatedCopyIsReplaced() throws Exception {
        Path library = HelmLibrary.locate(cache);
        long size = Files.size(library);
        try (var channel = java.nio.channels.FileChannel.open(library, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
        }
        Path again = HelmLibrary.locate(cache);
        assertEquals(size, Files.size(again));
        assertEquals(again.getParent().getFileName().toString(), sha256(again));
    }

    @Test
    void twoBuildsAtOnceGetTheSameFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Path> locate = () -> HelmLibrary.locate(cache);
            Future<Path> a = pool.submit(locate);
            Future<Path> b = pool.submit(locate);
            assertEquals(a.get(), b.get());
            assertEquals(a.get().getParent().getFileName().toString(), sha256(a.get()));
        } finally {
            pool.shutdownNow();
        }
        assertNotEquals(0, Files.size(HelmLibrary.locate(cache)));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
