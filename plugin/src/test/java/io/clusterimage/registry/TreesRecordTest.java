package io.clusterimage.registry;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** package-image counts the registry trees by save-registry's record while it stands, and walks them without one. */
class TreesRecordTest {

    @TempDir
    Path output;

    private static final List<Platform> AMD64 = List.of(Platform.parse("linux/amd64"));

    private String fingerprint(List<Platform> platforms) throws Exception {
        Fingerprint fingerprint = new Fingerprint("package-image");
        TreesRecord.addTo(fingerprint, output, platforms);
        return fingerprint.text();
    }

    private Path blob() throws Exception {
        Path blob = SaveOptions.registryDirectory(output, AMD64.get(0)).resolve("docker/registry/v2/blobs/sha256/ab/abcd/data");
        Files.createDirectories(blob.getParent());
        return blob;
    }

    @Test
    void theRecordStandsForTheTreesUntilSaveForgetsIt() throws Exception {
        Path blob = Files.writeString(blob(), "layer");
        String walked = fingerprint(AMD64);
        // another size: a file's time may not move within one clock tick; without a record every change is seen
        Files.writeString(blob, "another layer");
        assertNotEquals(walked, fingerprint(AMD64), "no record: the trees are walked");

        TreesRecord.write(output, AMD64);
        String recorded = fingerprint(AMD64);
        assertEquals(recorded, fingerprint(AMD64));
        Path other = Files.writeString(blob.resolveSibling("other"), "x"); // not by save-registry: not looked at
        assertEquals(recorded, fingerprint(AMD64), "the record, not a walk");
        Files.delete(other);

        TreesRecord.forget(output); // save-registry starts writing
        assertFalse(Files.exists(output.resolve(TreesRecord.FILE_NAME)));
        Files.writeString(blob, "layer 2");
        TreesRecord.write(output, AMD64); // and has finished
        assertNotEquals(recorded, fingerprint(AMD64), "a tree save-registry wrote again is another record");
    }

    @Test
    void aRecordOfOtherPlatformsIsNotUsed() throws Exception {
        Path blob = Files.writeString(blob(), "layer");
        List<Platform> both = List.of(AMD64.get(0), Platform.parse("linux/arm64"));
        TreesRecord.write(output, both);
        String before = fingerprint(AMD64);
        Files.writeString(blob, "another layer");
        assertNotEquals(before, fingerprint(AMD64), "the record covers two platforms: the one tree asked for is walked");
    }
}
