package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.core.TarWriter;
import io.clusterimage.testing.OciArchives;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images another tool of the build wrote (jib:buildTar, docker save, skopeo copy, an OCI layout
 * directory), declared in the POM: opened whatever their format, checked against the platforms
 * before anything is stored, and saved under the declared name exactly as a pulled image is.
 */
class DeclaredArchiveSaveTest {

    private static final Platform ARM64 = Platform.parse("linux/arm64");

    @TempDir
    Path work;

    private final TestImages.Blob layer;
    private final TestImages.Blob amd64Config;
    private final TestImages.Blob amd64Manifest;

    DeclaredArchiveSaveTest() throws Exception {
        layer = TestImages.layer("app.bin", 3_000, 5);
        amd64Config = TestImages.config("linux", "amd64", List.of(layer));
        amd64Manifest = TestImages.manifest(amd64Config, List.of(layer));
    }

    /** What jib:buildTar writes: manifest.json naming the config and the layers by file name. */
    private Path dockerArchive(Path file, TestImages.Blob config, TestImages.Blob layerBlob) throws Exception {
        String manifestJson = "[{\"Config\":\"config.json\",\"RepoTags\":[\"registry.example.com/team/orders:1.0\"],"
                + "\"Layers\":[\"" + layerBlob.digest().substring(7) + ".tar.gz\"]}]";
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); TarWriter tar = new TarWriter(out)) {
            entry(tar, layerBlob.digest().substring(7) + ".tar.gz", layerBlob.content());
            entry(tar, "config.json", config.content());
            entry(tar, "manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static void entry(TarWriter tar, String name, byte[] content) throws Exception {
        tar.file(name, 0644, 0, 0, 0, content.length, new ByteArrayInputStream(content));
    }

    private SaveSummary save(OciLayoutSource layout, List<Platform> platforms) throws Exception {
        ArchiveImages.requirePlatforms(layout, "team/orders:1.0", "registry.example.com/team/orders:1.0", platforms);
        ImageSaver saver = new ImageSaver(new RegistryClient(RegistryOptions.defaults()),
                new SaveOptions(work.resolve("out"), platforms, false, 2, work.resolve("cache"), true, line -> { }));
        return saver.save(List.of(), List.of(new ImageSaver.ArchiveImage("registry.example.com/team/orders:1.0",
                "<imageArchives><imageArchive> x", layout, "team/orders", "1.0")));
    }

    private String tagLink(Platform platform) throws Exception {
        return Files.readString(work.resolve("out").resolve(SaveOptions.directoryName(platform))
                .resolve("registry/docker/registry/v2/repositories/team/orders/_manifests/tags/1.0/current/link"));
    }

    @Test
    void aJibDockerArchiveIsStoredUnderTheDeclaredTagAndLockedAsIfPulled() throws Exception {
        Path archive = dockerArchive(work.resolve("orders/target/jib-image.tar"), amd64Config, layer);

        SaveSummary summary = save(ArchiveImages.openAny(archive, work.resolve("open")), List.of(Platform.LINUX_AMD64));

        String link = tagLink(Platform.LINUX_AMD64);
        assertEquals(List.of("linux/amd64 registry.example.com/team/orders:1.0 " + link), summary.locked());
        Path tree = work.resolve("out/linux-amd64/registry");
        assertEquals(List.of("team/orders:1.0"), TreeChecks.assertTagsComplete(tree));
        String hex = layer.digest().substring(7);
        assertTrue(Files.isRegularFile(tree.resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data")),
                "the layer is in the tree, as it is in the archive");
    }

    @Test
    void anOciLayoutDirectoryIsReadInPlaceAndNotWrittenTo() throws Exception {
        Path archive = OciArchives.write(work.resolve("a.tar"), List.of(layer, amd64Config, amd64Manifest),
                OciArchives.indexJson(amd64Manifest, "1.0"));
        Path layoutDir = work.resolve("orders/target/jib-image");
        try (var in = Files.newInputStream(archive)) {
            io.clusterimage.core.TarReader.extract(in, layoutDir);
        }
        List<String> before = TreeChecks.files(layoutDir);

        save(ArchiveImages.openAny(layoutDir, work.resolve("open")), List.of(Platform.LINUX_AMD64));

        assertEquals("sha256:" + amd64Manifest.digest().substring(7), tagLink(Platform.LINUX_AMD64));
        assertEquals(before, TreeChecks.files(layoutDir), "the declared directory is only read");
    }

    @Test
    void eachPlatformTreeGetsItsOwnManifestOfAMultiPlatformArchive() throws Exception {
        TestImages.Blob armConfig = TestImages.config("linux", "arm64", List.of(layer));
        TestImages.Blob armManifest = TestImages.manifest(armConfig, List.of(layer));
        TestImages.Blob index = TestImages.index(List.of(amd64Manifest, armManifest), List.of("linux/amd64", "linux/arm64"));
        Path archive = OciArchives.write(work.resolve("multi.tar"), List.of(layer, amd64Config, amd64Manifest, armConfig, armManifest, index),
                OciArchives.indexJson(index, "1.0"));

        SaveSummary summary = save(ArchiveImages.openAny(archive, work.resolve("open")), List.of(Platform.LINUX_AMD64, ARM64));

        assertEquals(amd64Manifest.digest(), tagLink(Platform.LINUX_AMD64));
        assertEquals(armManifest.digest(), tagLink(ARM64));
        assertEquals(List.of("linux/amd64 registry.example.com/team/orders:1.0 " + amd64Manifest.digest(),
                "linux/arm64 registry.example.com/team/orders:1.0 " + armManifest.digest()), summary.locked());
    }

    @Test
    void aSinglePlatformArchiveOfAnotherPlatformIsRefusedBeforeAnythingIsStored() throws Exception {
        Path archive = dockerArchive(work.resolve("jib-image.tar"), amd64Config, layer);
        OciLayoutSource layout = ArchiveImages.openAny(archive, work.resolve("open"));

        RegistryException error = assertThrows(RegistryException.class, () -> ArchiveImages.requirePlatforms(layout,
                "team/orders:1.0", "registry.example.com/team/orders:1.0", List.of(Platform.LINUX_AMD64, ARM64)));

        assertEquals("registry.example.com/team/orders:1.0 is an image for linux/amd64, not for linux/arm64; build it for"
                + " linux/arm64 too (jib: <from><platforms>; docker buildx --platform) or leave linux/arm64 out of <platforms>",
                error.getMessage());
        assertTrue(Files.notExists(work.resolve("out")));
    }

    @Test
    void aMultiPlatformArchiveWithoutTheTargetPlatformIsRefused() throws Exception {
        TestImages.Blob index = TestImages.index(List.of(amd64Manifest), List.of("linux/amd64"));
        Path archive = OciArchives.write(work.resolve("multi.tar"), List.of(layer, amd64Config, amd64Manifest, index),
                OciArchives.indexJson(index, "1.0"));
        OciLayoutSource layout = ArchiveImages.openAny(archive, work.resolve("open"));

        RegistryException error = assertThrows(RegistryException.class, () -> ArchiveImages.requirePlatforms(layout,
                "team/orders:1.0", "registry.example.com/team/orders:1.0", List.of(ARM64)));

        assertEquals("registry.example.com/team/orders:1.0 has no image for linux/arm64 (it has [linux/amd64]); build for one"
                + " of those platforms, or list it in <platforms> only where it exists", error.getMessage());
    }

    @Test
    void aMissingFileSaysToBuildItFirst() {
        Path missing = work.resolve("orders/target/jib-image.tar");

        RegistryException error = assertThrows(RegistryException.class, () -> ArchiveImages.openAny(missing, work.resolve("open")));

        assertEquals(RegistryException.Kind.NOT_FOUND, error.kind());
        assertEquals(missing + " does not exist; build it before this module (the module that writes it must come first in the"
                + " reactor, e.g. by a dependency on it) or correct the path", error.getMessage());
    }

    @Test
    void aFileThatIsNotAnImageArchiveSaysWhatIsExpected() throws Exception {
        Path text = Files.writeString(work.resolve("notes.txt"), "not an image\n".repeat(100));
        Path tarOfOther = work.resolve("other.tar");
        try (OutputStream out = Files.newOutputStream(tarOfOther); TarWriter tar = new TarWriter(out)) {
            entry(tar, "README", "hello".getBytes(StandardCharsets.UTF_8));
        }
        String expected = "expected a docker-archive (jib:buildTar, docker save), an oci-archive (skopeo copy ... oci-archive:)"
                + " or an OCI layout directory";

        RegistryException notTar = assertThrows(RegistryException.class, () -> ArchiveImages.openAny(text, work.resolve("a")));
        RegistryException otherTar = assertThrows(RegistryException.class, () -> ArchiveImages.openAny(tarOfOther, work.resolve("b")));
        RegistryException plainDir = assertThrows(RegistryException.class,
                () -> ArchiveImages.openAny(Files.createDirectories(work.resolve("dir")), work.resolve("c")));

        assertTrue(notTar.getMessage().startsWith(text + " is not an image archive ("), notTar.getMessage());
        assertTrue(notTar.getMessage().endsWith("); " + expected), notTar.getMessage());
        assertEquals(tarOfOther + " is not an image archive (neither index.json nor manifest.json in it); " + expected,
                otherTar.getMessage());
        assertEquals(work.resolve("dir") + " is a directory but not an OCI layout (no index.json); name the archive file, or the"
                + " directory skopeo copy ... oci:<dir> wrote", plainDir.getMessage());
    }
}
