package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.OciArchives;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.Tools;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An index that points at an index that points at the image manifests (legal OCI): saved from an OCI
 * archive and from a real docker-registry on 127.0.0.1, the tree holds the whole image for each
 * platform and docker-registry serves it to skopeo. Nesting past {@link ImageIndexes#MAX_DEPTH} is
 * refused, and no tag is ever written to an image the tree does not hold whole.
 */
@Tag("tools")
class NestedIndexSaveTest {

    private static final List<Platform> BOTH = List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64"));

    @TempDir
    static Path work;
    static LocalRegistry source;

    @BeforeAll
    static void startRegistry() throws Exception {
        source = LocalRegistry.start(work.resolve("source"), false, null, work.resolve("logs"));
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    /** One platform's image: two layers, config and manifest (the manifest last). */
    private static List<TestImages.Blob> image(String platform, long seed) throws Exception {
        TestImages.Blob first = TestImages.layer("a.bin", 30_000, seed);
        TestImages.Blob second = TestImages.layer("b.bin", 20_000, seed + 1);
        String[] parts = platform.split("/");
        TestImages.Blob config = TestImages.config(parts[0], parts[1], List.of(first, second));
        return List.of(first, second, config, TestImages.manifest(config, List.of(first, second)));
    }

    private static TestImages.Blob last(List<TestImages.Blob> blobs) {
        return blobs.get(blobs.size() - 1);
    }

    private static ImageSaver saver(Path out, boolean all) throws Exception {
        return new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(source.host()))),
                new SaveOptions(out, BOTH, all, 2, out.resolve("cache"), false, line -> { }));
    }

    private static ImageSaver.ArchiveImage archiveImage(Path archive, String repository, String tag) throws Exception {
        return new ImageSaver.ArchiveImage("oci-archive:" + archive.getFileName() + "@" + repository + ":" + tag,
                "images/skopeo/tar.txt:1", ArchiveImages.open("oci-archive", archive, archive.resolveSibling(tag + "-open")),
                repository, tag);
    }

    /** An OCI archive whose index.json names {@code outer}, which names {@code inner} (no platform), which names the images. */
    private record NestedArchive(Path file, List<TestImages.Blob> amd, List<TestImages.Blob> arm, TestImages.Blob inner,
                                 TestImages.Blob outer) {
        static NestedArchive write(String name, String tag, long seed) throws Exception {
            List<TestImages.Blob> amd = image("linux/amd64", seed);
            List<TestImages.Blob> arm = image("linux/arm64", seed + 10);
            TestImages.Blob inner = TestImages.index(List.of(last(amd), last(arm)), List.of("linux/amd64", "linux/arm64"));
            TestImages.Blob outer = TestImages.index(List.of(inner));
            List<TestImages.Blob> blobs = new ArrayList<>(amd);
            blobs.addAll(arm);
            blobs.add(inner);
            blobs.add(outer);
            Path file = OciArchives.write(work.resolve("archive").resolve(name), blobs, OciArchives.indexJson(outer, tag));
            return new NestedArchive(file, amd, arm, inner, outer);
        }
    }

    @Test
    void aNestedIndexInAnOciArchiveIsSavedWholeForEachPlatform() throws Exception {
        NestedArchive archive = NestedArchive.write("nested.tar", "1.0", 10);

        Path out = work.resolve("out-archive");
        saver(out, false).save(List.of(), List.of(archiveImage(archive.file(), "apps/nested", "1.0")));

        for (Platform platform : BOTH) {
            Path tree = out.resolve(SaveOptions.directoryName(platform)).resolve("registry");
            List<TestImages.Blob> own = platform.architecture().equals("amd64") ? archive.amd() : archive.arm();
            assertEquals(List.of("apps/nested:1.0"), TreeChecks.assertTagsComplete(tree));
            assertEquals(4, TreeChecks.assertEveryBlobVerifies(tree), "two layers, config and manifest of " + platform);
            TreeChecks.assertServes(tree, work.resolve("logs"), Map.of("apps/nested:1.0", last(own).digest()));
            skopeoCopy(tree, "apps/nested:1.0", platform, false);
        }
    }

    @Test
    void copyAllPlatformsStoresEveryNestedIndexAndImage() throws Exception {
        NestedArchive archive = NestedArchive.write("all.tar", "2.0", 30);
        TestImages.Blob inner = archive.inner();

        Path out = work.resolve("out-all");
        saver(out, true).save(List.of(), List.of(archiveImage(archive.file(), "apps/all", "2.0")));

        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of("apps/all:2.0"), TreeChecks.assertTagsComplete(tree));
        assertEquals(10, TreeChecks.assertEveryBlobVerifies(tree), "both images (4 blobs each) and both indexes");
        TreeChecks.assertServes(tree, work.resolve("logs"), Map.of("apps/all:2.0", archive.outer().digest(), "apps/all@" + inner.digest(),
                inner.digest()));
        // skopeo (1.9) --all refuses a list inside a list, so the inner index is copied by its digest, whole
        skopeoCopy(tree, "apps/all@" + inner.digest(), Platform.LINUX_AMD64, true);
    }

    @Test
    void aNestedIndexInARegistryIsSavedWholeAndResolvedForBaseImages() throws Exception {
        TestImages images = new TestImages(source.url());
        List<TestImages.Blob> amd = image("linux/amd64", 50);
        List<TestImages.Blob> arm = image("linux/arm64", 60);
        for (List<TestImages.Blob> platformImage : List.of(amd, arm)) {
            for (TestImages.Blob blob : platformImage.subList(0, 3)) {
                images.pushBlob("nested/app", blob);
            }
            images.pushManifest("nested/app", last(platformImage).digest(), last(platformImage));
        }
        // one index per platform, and an index of those: the outer entries carry the platforms this time
        TestImages.Blob innerAmd = TestImages.index(List.of(last(amd)), List.of("linux/amd64"));
        TestImages.Blob innerArm = TestImages.index(List.of(last(arm)), List.of("linux/arm64"));
        images.pushManifest("nested/app", innerAmd.digest(), innerAmd);
        images.pushManifest("nested/app", innerArm.digest(), innerArm);
        TestImages.Blob outer = TestImages.index(List.of(innerAmd, innerArm), List.of("linux/amd64", "linux/arm64"));
        images.pushManifest("nested/app", "3.0", outer);

        Path out = work.resolve("out-registry");
        ImageReference reference = ImageReference.parse(source.host() + "/nested/app:3.0");
        saver(out, false).save(List.of(reference));

        for (Platform platform : BOTH) {
            Path tree = out.resolve(SaveOptions.directoryName(platform)).resolve("registry");
            String expected = last(platform.architecture().equals("amd64") ? amd : arm).digest();
            assertEquals(List.of("nested/app:3.0"), TreeChecks.assertTagsComplete(tree));
            TreeChecks.assertServes(tree, work.resolve("logs"), Map.of("nested/app:3.0", expected));
            skopeoCopy(tree, "nested/app:3.0", platform, false);
        }
        // FROM an image behind a nested index builds on the platform's own manifest, not on an index
        CachedRegistry registry = new CachedRegistry(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(source.host()))),
                new BlobCache(work.resolve("cache-resolve")), false, Runnable::run);
        assertEquals(last(arm).digest(), registry.resolve(reference, Platform.parse("linux/arm64")).manifest().digest());
    }

    @Test
    void indexesNestedDeeperThanTheLimitAreRefusedAndNothingIsTagged() throws Exception {
        TestImages images = new TestImages(source.url());
        List<TestImages.Blob> amd = image("linux/amd64", 70);
        for (TestImages.Blob blob : amd.subList(0, 3)) {
            images.pushBlob("nested/deep", blob);
        }
        images.pushManifest("nested/deep", last(amd).digest(), last(amd));
        List<TestImages.Blob> chain = new ArrayList<>();
        chain.add(TestImages.index(List.of(last(amd)), List.of("linux/amd64")));
        while (chain.size() < ImageIndexes.MAX_DEPTH + 1) {
            chain.add(TestImages.index(List.of(chain.get(chain.size() - 1))));
        }
        for (TestImages.Blob index : chain) {
            images.pushManifest("nested/deep", index.digest(), index);
        }
        images.pushManifest("nested/deep", "limit", chain.get(ImageIndexes.MAX_DEPTH - 1));
        images.pushManifest("nested/deep", "beyond", chain.get(ImageIndexes.MAX_DEPTH));

        Path out = work.resolve("out-deep");
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> new ImageSaver(
                new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(source.host()))),
                new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 2, out.resolve("cache"), false, line -> { }))
                .save(List.of(ImageReference.parse(source.host() + "/nested/deep:limit"),
                        ImageReference.parse(source.host() + "/nested/deep:beyond"))));

        assertEquals(1, failure.failures().size(), failure.getMessage());
        RegistryException error = failure.failures().get(0).error();
        assertEquals(RegistryException.Kind.UNSUPPORTED, error.kind());
        assertTrue(error.getMessage().startsWith(source.host() + "/nested/deep:beyond nests image indexes more than "
                + ImageIndexes.MAX_DEPTH + " deep ("), error.getMessage());
        assertTrue(error.getMessage().contains("Point the tag at an index whose entries are image manifests"), error.getMessage());
        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of("nested/deep:limit"), TreeChecks.assertTagsComplete(tree), "four levels are followed, five are not");
    }

    @Test
    void aTreeMissingABlobIsRefusedNamingTheImageAndWhatIsMissing() throws Exception {
        List<TestImages.Blob> amd = image("linux/amd64", 80);
        DistributionTree tree = new DistributionTree(work.resolve("hand-made/registry"));
        TestImages.Blob config = amd.get(2);
        TestImages.Blob manifest = last(amd);
        tree.putBlobBytes(amd.get(0).digest(), amd.get(0).content());
        tree.linkLayer("apps/hand", amd.get(0).digest());
        tree.putBlobBytes(config.digest(), config.content());
        tree.linkLayer("apps/hand", config.digest());
        tree.putManifest("apps/hand", manifest.digest(), manifest.content()); // the second layer is never stored

        RegistryException error = assertThrows(RegistryException.class,
                () -> TreeCompleteness.verify(tree, "apps/hand", manifest.digest(), "example.com/apps/hand:1.0"));

        assertEquals(RegistryException.Kind.INCOMPLETE, error.kind());
        assertEquals("example.com/apps/hand:1.0: the saved registry tree " + tree.root() + " does not hold the whole image, so"
                + " apps/hand was not tagged: blob " + amd.get(1).digest() + " of manifest " + manifest.digest() + " is not stored",
                error.getMessage());
    }

    @Test
    void aDamagedBlobLeftInTheTreeStopsTheTag() throws Exception {
        List<TestImages.Blob> amd = image("linux/amd64", 90);
        Path archive = OciArchives.write(work.resolve("archive/damaged.tar"), amd, OciArchives.indexJson(last(amd), "4.0"));
        Path out = work.resolve("out-damaged");
        // a blob file already in the tree is taken as stored: a shorter one (say, changed by hand) must not pass
        DistributionTree tree = new DistributionTree(out.resolve("linux-amd64/registry"));
        Files.createDirectories(tree.blobData(amd.get(1).digest()).getParent());
        Files.write(tree.blobData(amd.get(1).digest()), new byte[10]);

        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> new ImageSaver(
                new RegistryClient(RegistryOptions.defaults()),
                new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 2, out.resolve("cache"), false, line -> { }))
                .save(List.of(), List.of(archiveImage(archive, "apps/damaged", "4.0"))));

        RegistryException error = failure.failures().get(0).error();
        assertEquals(RegistryException.Kind.INCOMPLETE, error.kind(), error.getMessage());
        assertTrue(error.getMessage().startsWith("images/skopeo/tar.txt:1: oci-archive:damaged.tar@apps/damaged:4.0: the saved"
                + " registry tree "), error.getMessage());
        assertTrue(error.getMessage().endsWith("apps/damaged was not tagged: blob " + amd.get(1).digest() + " of manifest "
                + last(amd).digest() + " is stored with 10 bytes instead of " + amd.get(1).content().length), error.getMessage());
        assertFalse(Files.exists(tree.root().resolve("docker/registry/v2/repositories/apps/damaged/_manifests/tags")),
                "no tag points at the incomplete image");
    }

    /** skopeo pulls the image from docker-registry serving the tree, as the cluster's runtime would. */
    private static void skopeoCopy(Path tree, String image, Platform platform, boolean all) throws Exception {
        Path skopeo = Tools.require("skopeo");
        Path target = Files.createTempDirectory(work, "copy");
        try (LocalRegistry served = LocalRegistry.start(tree, true, null, work.resolve("logs"))) {
            List<String> command = new ArrayList<>(List.of(skopeo.toString(), "copy", "--src-tls-verify=false"));
            command.addAll(all ? List.of("--all") : List.of("--override-arch", platform.architecture()));
            command.addAll(List.of("docker://" + served.host() + "/" + image, "dir:" + target));
            ImageSaverRegistryTest.run(command.toArray(String[]::new));
        }
    }
}
