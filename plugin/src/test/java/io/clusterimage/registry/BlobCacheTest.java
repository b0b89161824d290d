package io.clusterimage.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blob cache cleans up after builds that were killed mid-download. */
class BlobCacheTest {

    @TempDir
    Path root;

    @Test
    void partialDownloadsOfKilledBuildsAreRemovedAndCurrentOnesKept() throws Exception {
        new BlobCache(root);
        Path abandoned = Files.writeString(root.resolve("incoming/blob123.tmp"), "half a layer");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(BlobCache.ABANDONED_AFTER).minusSeconds(60)));
        Path current = Files.writeString(root.resolve("incoming/blob456.tmp"), "a layer being downloaded");
        Path cached = Files.createDirectories(root.resolve("blobs/sha256/ab")).resolve("ab" + "0".repeat(62));
        Files.writeString(cached, "content");
        Files.setLastModifiedTime(cached, FileTime.from(Instant.EPOCH));

        new BlobCache(root);

        assertFalse(Files.exists(abandoned), "a download untouched for hours was abandoned");
        assertTrue(Files.exists(current), "another build's download under way is left alone");
        assertTrue(Files.exists(cached), "cached blobs are never removed, however old");
    }
}
