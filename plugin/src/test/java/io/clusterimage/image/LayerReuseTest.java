package io.clusterimage.image;

import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.registry.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.ARM64;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A rebuild takes the layers whose inputs did not change from the previous archive as byte ranges, and the
 * result is the archive a build from scratch writes, to the byte; a change to any input of a layer — one byte of
 * one file (even with its size and mtime put back), a mode, a new file — makes that layer be built again.
 */
class LayerReuseTest {

    @TempDir
    Path temp;

    private Path context() throws Exception {
        Path context = temp.resolve("context");
        if (!Files.exists(context)) {
            write(context, "manifests/app.yaml", "kind: Pod\n");
            for (Platform platform : List.of(AMD64, ARM64)) { // what save-registry made, one tree per platform
                Path blob = write(registry(platform), "docker/registry/v2/blobs/sha256/ab/abcd/data", platform.architecture().repeat(300_000));
                Files.createLink(Files.createDirectories(temp.resolve("cache")).resolve(platform.architecture()), blob); // the cache's copy
                write(registry(platform), "docker/registry/v2/repositories/library/nginx/_manifests/tags/1.25/current/link", "sha256:abcd");
            }
        }
        return context;
    }

    private Path registry(Platform platform) {
        return temp.resolve("save/" + platform.architecture() + "/registry");
    }

    private record Build(BuiltImage image, int reused) {
    }

    /** Builds into {@code archive}, with the layer memo when {@code memo} is not null. */
    private Build build(Path archive, Path memo, List<Platform> platforms) throws Exception {
        return build(ImageTestSupport.CLUSTER_IMAGE_KUBEFILE, archive, memo, platforms);
    }

    private Build build(String kubefile, Path archive, Path memo, List<Platform> platforms) throws Exception {
        try (OciArchive output = OciArchive.create(archive, Instant.EPOCH, memo)) {
            BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile),
                    ImageTestSupport.options(context(), temp.resolve("work"), this::registry, platforms), null, output);
            output.finish(image, "x:1");
            return new Build(image, output.reusedLayers());
        }
    }

    /** The archive a build without any memo writes now: what a reused build must equal to the byte. */
    private void assertSameAsFromScratch(Path archive, List<Platform> platforms) throws Exception {
        Path scratch = temp.resolve("scratch-" + System.nanoTime() + ".tar");
        build(scratch, null, platforms);
        assertEquals(-1, Files.mismatch(archive, scratch), "the reused archive has the bytes of one built from scratch");
    }

    @Test
    void unchangedLayersComeFromThePreviousArchiveAndEveryChangeIsNoticed() throws Exception {
        Path archive = temp.resolve("app.tar");
        Path memo = temp.resolve("layers.memo.json");
        Build first = build(archive, memo, List.of(AMD64));
        assertEquals(0, first.reused());

        Build again = build(archive, memo, List.of(AMD64));
        assertEquals(2, again.reused(), "nothing changed: both layers reused");
        assertEquals(first.image().digest(), again.image().digest());
        assertSameAsFromScratch(archive, List.of(AMD64));

        // a manifest edited: its layer is built again; the registry layer, the largest and so the first in the
        // archive, stays where it is: the previous archive file is extended, nothing of it is copied
        Object inode = Files.getAttribute(archive, "unix:ino");
        write(context(), "manifests/app.yaml", "kind: Pod\nmetadata: {name: x}\n");
        Build edited = build(archive, memo, List.of(AMD64));
        assertEquals(1, edited.reused());
        assertEquals(inode, Files.getAttribute(archive, "unix:ino"), "the archive was extended in place, not copied");
        assertNotEquals(first.image().digest(), edited.image().digest());
        assertSameAsFromScratch(archive, List.of(AMD64));

        // one byte of a file, its size and mtime put back: the change time still tells
        Path tag = registry(AMD64).resolve("docker/registry/v2/repositories/library/nginx/_manifests/tags/1.25/current/link");
        FileTime mtime = Files.getLastModifiedTime(tag);
        try (RandomAccessFile file = new RandomAccessFile(tag.toFile(), "rw")) {
            file.seek(10);
            file.write('e');
        }
        Files.setLastModifiedTime(tag, mtime);
        Build byteChanged = build(archive, memo, List.of(AMD64));
        assertEquals(1, byteChanged.reused(), "only the manifests layer is taken over");
        assertNotEquals(edited.image().digest(), byteChanged.image().digest());
        assertSameAsFromScratch(archive, List.of(AMD64));

        // a blob is linked from the shared cache: another project's save linking the same blob changes its change
        // time, not its bytes (content-addressed), and is not a change
        Path blob = registry(AMD64).resolve("docker/registry/v2/blobs/sha256/ab/abcd/data");
        Files.createLink(temp.resolve("another-project"), blob);
        assertEquals(2, build(archive, memo, List.of(AMD64)).reused(), "a new link to a blob is not a change of it");
        Files.delete(temp.resolve("another-project"));
        assertEquals(2, build(archive, memo, List.of(AMD64)).reused());

        // a mode
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rwxr-xr-x"));
        Build modeChanged = build(archive, memo, List.of(AMD64));
        assertEquals(1, modeChanged.reused());
        assertNotEquals(byteChanged.image().digest(), modeChanged.image().digest());

        // a new file
        write(registry(AMD64), "docker/registry/v2/repositories/library/nginx/_manifests/tags/1.26/current/link", "sha256:abcd");
        Build newFile = build(archive, memo, List.of(AMD64));
        assertEquals(1, newFile.reused());
        assertNotEquals(modeChanged.image().digest(), newFile.image().digest());
        assertSameAsFromScratch(archive, List.of(AMD64));
    }

    private Build buildDocker(Path archive, Path memo) throws Exception {
        try (OciArchive output = OciArchive.createDocker(archive, Instant.EPOCH, memo)) {
            BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), ImageTestSupport.CLUSTER_IMAGE_KUBEFILE),
                    ImageTestSupport.options(context(), temp.resolve("work"), this::registry, List.of(AMD64)), null, output);
            output.finish(image, "x:1");
            return new Build(image, output.reusedLayers());
        }
    }

    /** A docker-archive keeps its blobs as an oci-archive does: the same reuse, the bytes of a build from scratch. */
    @Test
    void aDockerArchiveTakesUnchangedLayersFromThePreviousOne() throws Exception {
        Path archive = temp.resolve("app-docker.tar");
        Path memo = temp.resolve("docker.memo.json");
        Build first = buildDocker(archive, memo);
        assertEquals(0, first.reused());
        write(context(), "manifests/app.yaml", "kind: Pod\nmetadata: {name: docker}\n");
        Object inode = Files.getAttribute(archive, "unix:ino");
        Build edited = buildDocker(archive, memo);
        assertEquals(1, edited.reused(), "the registry layer kept, the manifests layer built again");
        assertEquals(inode, Files.getAttribute(archive, "unix:ino"), "extended in place");
        Path scratch = temp.resolve("scratch-docker.tar");
        buildDocker(scratch, null);
        assertEquals(-1, Files.mismatch(archive, scratch), "the bytes of a docker-archive built from scratch");
        BuiltImage toFiles = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), ImageTestSupport.CLUSTER_IMAGE_KUBEFILE),
                ImageTestSupport.options(context(), temp.resolve("work-files"), this::registry, List.of(AMD64)), null);
        OciArchiveWriter.write(toFiles, "x:1", Instant.EPOCH, temp.resolve("written-docker.tar"), OciArchiveWriter.Format.DOCKER_ARCHIVE);
        assertEquals(-1, Files.mismatch(archive, temp.resolve("written-docker.tar")), "and of one written from the layer files");
    }

    @Test
    void aBuildThatFailsAfterKeepingLayersInPlacePutsThePreviousArchiveBack() throws Exception {
        Path archive = temp.resolve("kept.tar");
        Path memo = temp.resolve("kept.memo.json");
        build(archive, memo, List.of(AMD64));
        byte[] before = Files.readAllBytes(archive);
        write(context(), "manifests/app.yaml", "kind: Pod\nmetadata: {name: changed}\n");
        try (OciArchive output = OciArchive.create(archive, Instant.EPOCH, memo)) {
            ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), ImageTestSupport.CLUSTER_IMAGE_KUBEFILE),
                    ImageTestSupport.options(context(), temp.resolve("work"), this::registry, List.of(AMD64)), null, output);
            assertEquals(1, output.reusedLayers(), "the registry layer was kept in place, the new manifests layer written after it");
            // no finish: the build fails here (a signing key that does not open, a full disk)
        }
        assertEquals(-1, Files.mismatch(archive, writeTemp(before)), "the previous archive is back, byte for byte");
        try (var siblings = Files.list(temp)) {
            assertEquals(List.of(), siblings.filter(f -> f.getFileName().toString().endsWith(".partial")).toList(), "nothing left over");
        }
        assertEquals(1, build(archive, memo, List.of(AMD64)).reused(), "and the memo still describes it");
        assertSameAsFromScratch(archive, List.of(AMD64));
    }

    @Test
    void anUnchangedLayerAfterAChangedOneIsTakenFromThePreviousArchivesTailWhenItIsExtendedInPlace() throws Exception {
        // charts (the middle-sized layer) changes, the registry layer before it is kept in place and the smaller
        // manifests layer after it must come from the tail cut off the previous archive (found by bench/inner.sh:
        // the build failed, NoSuchFileException, reading the previous archive after it had been moved)
        String kubefile = """
                FROM scratch
                COPY charts charts
                COPY manifests manifests
                COPY registry registry
                """;
        Path archive = temp.resolve("charts.tar");
        Path memo = temp.resolve("charts.memo.json");
        write(context(), "charts/app/values.yaml", "replicaCount: 1\n" + "# padding\n".repeat(2_000));
        Build first = build(kubefile, archive, memo, List.of(AMD64));
        assertEquals(0, first.reused());
        write(context(), "charts/app/values.yaml", "replicaCount: 2\n" + "# padding\n".repeat(2_000));
        Object inode = Files.getAttribute(archive, "unix:ino");
        Build edited = build(kubefile, archive, memo, List.of(AMD64));
        assertEquals(2, edited.reused(), "the registry layer kept in place, the manifests layer copied from the tail");
        assertEquals(inode, Files.getAttribute(archive, "unix:ino"), "the archive was extended in place");
        assertNotEquals(first.image().digest(), edited.image().digest());
        Path scratch = temp.resolve("charts-scratch.tar");
        build(kubefile, scratch, null, List.of(AMD64));
        assertEquals(-1, Files.mismatch(archive, scratch), "the same bytes as a build from scratch");
    }

    private record DirectoryBuild(BuiltImage image, int reused) {
    }

    private DirectoryBuild buildDirectory(Path directory, Path memo, List<Platform> platforms) throws Exception {
        try (OciDirectory output = OciDirectory.create(directory, memo)) {
            BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), ImageTestSupport.CLUSTER_IMAGE_KUBEFILE),
                    ImageTestSupport.options(context(), temp.resolve("work"), this::registry, platforms), null, output);
            output.finish(image, "x:1", List.of());
            return new DirectoryBuild(image, output.reusedLayers());
        }
    }

    /** Every file of a directory by its relative path, with its bytes' digest. */
    private static Map<String, String> files(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Digests.of(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private void assertSameDirectoryAsFromScratch(Path directory, List<Platform> platforms) throws Exception {
        Path scratch = temp.resolve("scratch-layout-" + System.nanoTime());
        buildDirectory(scratch, null, platforms);
        assertEquals(files(scratch), files(directory), "the reused layout has the files of one built from scratch");
    }

    private static Path registryBlob(Path directory, BuiltImage image) {
        Layer largest = image.platforms().get(0).layers().stream().max(Comparator.comparingLong(Layer::size)).orElseThrow();
        return directory.resolve("blobs/sha256/" + Digests.hex(largest.digest()));
    }

    @Test
    void anOciDirectoryTakesUnchangedLayersAsHardLinksToThePreviousDirectorysBlobs() throws Exception {
        Path directory = temp.resolve("layout");
        Path memo = temp.resolve("layout.memo.json");
        DirectoryBuild first = buildDirectory(directory, memo, List.of(AMD64));
        assertEquals(0, first.reused());
        Object inode = Files.getAttribute(registryBlob(directory, first.image()), "unix:ino");

        DirectoryBuild again = buildDirectory(directory, memo, List.of(AMD64));
        assertEquals(2, again.reused());
        assertEquals(first.image().digest(), again.image().digest());
        assertEquals(inode, Files.getAttribute(registryBlob(directory, again.image()), "unix:ino"), "a hard link, not a copy");
        assertSameDirectoryAsFromScratch(directory, List.of(AMD64));

        write(context(), "manifests/app.yaml", "kind: Pod\nmetadata: {name: in-a-directory}\n");
        DirectoryBuild edited = buildDirectory(directory, memo, List.of(AMD64));
        assertEquals(1, edited.reused(), "the registry layer taken over, the manifests layer built again");
        assertNotEquals(first.image().digest(), edited.image().digest());
        assertSameDirectoryAsFromScratch(directory, List.of(AMD64));

        // the previous layout's blob damaged (a byte appended): not taken over, built again, the same image
        Files.write(registryBlob(directory, edited.image()), new byte[]{1}, java.nio.file.StandardOpenOption.APPEND);
        DirectoryBuild repaired = buildDirectory(directory, memo, List.of(AMD64));
        assertEquals(1, repaired.reused(), "only the manifests layer");
        assertEquals(edited.image().digest(), repaired.image().digest());
        assertSameDirectoryAsFromScratch(directory, List.of(AMD64));

        // a build that fails before finishing leaves the layout as it was, and no staging directory
        Map<String, String> before = files(directory);
        try (OciDirectory output = OciDirectory.create(directory, memo)) {
            ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), ImageTestSupport.CLUSTER_IMAGE_KUBEFILE),
                    ImageTestSupport.options(context(), temp.resolve("work"), this::registry, List.of(AMD64)), null, output);
        }
        assertEquals(before, files(directory));
        assertFalse(Files.exists(temp.resolve("layout.partial")));

        // two platforms: the manifests layer they share is taken over once
        buildDirectory(directory, memo, List.of(AMD64, ARM64));
        assertEquals(3, buildDirectory(directory, memo, List.of(AMD64, ARM64)).reused());
        assertSameDirectoryAsFromScratch(directory, List.of(AMD64, ARM64));
    }

    private Path writeTemp(byte[] bytes) throws Exception {
        return Files.write(temp.resolve("expected-" + System.nanoTime()), bytes);
    }

    @Test
    void anArchiveTheMemoDoesNotDescribeIsNotReadAndLayersSharedByPlatformsAreStoredOnce() throws Exception {
        Path archive = temp.resolve("multi.tar");
        Path memo = temp.resolve("multi.memo.json");
        build(archive, memo, List.of(AMD64, ARM64));
        Build both = build(archive, memo, List.of(AMD64, ARM64));
        assertEquals(3, both.reused(), "the manifests layer (the platforms share it, taken once) and each platform's registry layer");
        assertSameAsFromScratch(archive, List.of(AMD64, ARM64));

        // the archive replaced by another file (copied over, rebuilt by another tool): the memo is not its memo
        Path other = temp.resolve("other.tar");
        build(other, null, List.of(AMD64, ARM64));
        Files.copy(other, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, build(archive, memo, List.of(AMD64, ARM64)).reused());
    }
}
