package io.clusterimage.image;

import io.clusterimage.core.ContentMemo;
import io.clusterimage.registry.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether the SBOM on disk is the one package-image stored in the archive: by its digest, hashed once per identity. */
class ImageReportsTest {

    @TempDir
    Path output;

    @Test
    void storesSbomComparesTheDigestAndHashesTheFileOncePerIdentity() throws Exception {
        Path sbom = Files.writeString(output.resolve("sbom.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}\n");
        FileTime time = Files.getLastModifiedTime(sbom);
        Files.writeString(output.resolve("image.json"), "{\"sbom\":\"" + Digests.of(sbom) + "\"}");
        ContentMemo memo = ContentMemo.load(output);
        assertTrue(ImageReports.storesSbom(output, sbom, memo));
        memo.save();

        // other bytes of the same size with the same time and inode: the memo's hash stands (the file is not read)
        Files.writeString(sbom, "{\"bomFormat\":\"CycloneDx\"}\n");
        Files.setLastModifiedTime(sbom, time);
        assertTrue(ImageReports.storesSbom(output, sbom, ContentMemo.load(output)), "an unchanged identity is not hashed again");
        Files.delete(output.resolve(ContentMemo.FILE_NAME));
        assertFalse(ImageReports.storesSbom(output, sbom, ContentMemo.load(output)), "hashed afresh: not the stored SBOM");

        Files.writeString(output.resolve("image.json"), "{\"image\":\"app:1\"}"); // a docker-archive stores none
        assertFalse(ImageReports.storesSbom(output, sbom, ContentMemo.load(output)));
    }
}
