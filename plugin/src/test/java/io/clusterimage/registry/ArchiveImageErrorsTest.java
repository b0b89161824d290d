package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.testing.OciArchives;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An archive of images/skopeo/tar.txt whose content is damaged: the error names the tar.txt line and
 * the archive, says what is wrong and what to do, and nothing of the image is stored.
 */
class ArchiveImageErrorsTest {

    @TempDir
    Path work;

    private RegistryException saveFails(Path archive) throws Exception {
        ImageSaver.ArchiveImage image = new ImageSaver.ArchiveImage("oci-archive:app.tar@apps/app:1.0", "images/skopeo/tar.txt:4",
                ArchiveImages.open("oci-archive", archive, work.resolve("open")), "apps/app", "1.0");
        ImageSaver saver = new ImageSaver(new RegistryClient(RegistryOptions.defaults()),
                new SaveOptions(work.resolve("out"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, line -> { }));
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver.save(List.of(), List.of(image)));
        assertEquals(1, failure.failures().size(), failure.getMessage());
        assertEquals("oci-archive:app.tar@apps/app:1.0", failure.failures().get(0).image());
        return failure.failures().get(0).error();
    }

    private void assertNothingStored() throws Exception {
        Path tree = work.resolve("out/linux-amd64/registry");
        assertEquals(List.of(), TreeChecks.assertTagsComplete(tree), "no tag");
        assertEquals(0, TreeChecks.assertEveryBlobVerifies(tree), "no blob");
    }

    @Test
    void aMalformedDigestInIndexJsonNamesTheTarTxtLineAndTheArchive() throws Exception {
        for (String digest : List.of("sha256:zz", "sha256:../../../../etc/passwd")) {
            Path archive = OciArchives.write(work.resolve("app.tar"), List.of(),
                    OciArchives.indexJson(Manifest.OCI_MANIFEST, digest, 100, "1.0"));

            RegistryException error = saveFails(archive);

            assertEquals(RegistryException.Kind.UNSUPPORTED, error.kind());
            assertEquals("images/skopeo/tar.txt:4: index.json of oci-archive " + archive + " names the digest '" + digest
                    + "' (manifests entry 1), which is not a sha256 digest (sha256:<64 lowercase hex>); the archive is damaged or"
                    + " was hand-edited: re-create it (e.g. with skopeo copy ... oci-archive:...)", error.getMessage());
            assertNothingStored();
        }
    }

    @Test
    void aBlobWhoseContentIsNotItsDigestNamesTheBlobTheArchiveAndWhatToDo() throws Exception {
        TestImages.Blob layer = TestImages.layer("a.bin", 5_000, 1);
        TestImages.Blob config = TestImages.config("linux", "amd64", List.of(layer));
        TestImages.Blob manifest = TestImages.manifest(config, List.of(layer));
        byte[] damaged = layer.content().clone();
        damaged[damaged.length / 2] ^= 1;
        TestImages.Blob stored = new TestImages.Blob(damaged, layer.digest(), layer.mediaType()); // right name, wrong bytes
        Path archive = OciArchives.write(work.resolve("app.tar"), new ArrayList<>(List.of(stored, config, manifest)),
                OciArchives.indexJson(manifest, "1.0"));

        RegistryException error = saveFails(archive);

        assertEquals(RegistryException.Kind.DIGEST_MISMATCH, error.kind());
        assertEquals("images/skopeo/tar.txt:4: blob " + layer.digest() + " in oci-archive " + archive + " has the wrong content"
                + " (" + Digests.of(damaged) + ", " + damaged.length + " bytes of " + damaged.length + " expected);"
                + " the archive is damaged: re-create it", error.getMessage());
        assertEquals(List.of(), TreeChecks.filesFor(work.resolve("out"), layer.digest()), "the damaged blob is not in the tree");
        assertEquals(List.of(), TreeChecks.assertTagsComplete(work.resolve("out/linux-amd64/registry")), "no tag");
    }
}
