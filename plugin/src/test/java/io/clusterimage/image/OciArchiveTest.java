package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarWriter;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.registry.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.ARM64;
import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.registryTree;
import static io.clusterimage.image.ImageTestSupport.run;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OCI archive written in one pass while the image is built: layers streamed straight into their
 * tar entries, the headers filled in afterwards, shared blobs stored once.
 */
class OciArchiveTest {

    @TempDir
    Path temp;

    private ImageBuildOptions options(List<Platform> platforms, String work) throws IOException {
        Path context = temp.resolve("context");
        if (!Files.exists(context)) {
            write(context, "manifests/app.yaml", "kind: Pod\n");
            write(context, "manifests/big.bin", "x".repeat(700_000)); // more than one buffer
            for (Platform platform : List.of(AMD64, ARM64)) {
                registryTree(temp.resolve("save/" + platform.architecture() + "/registry"), "library/nginx", platform.architecture());
            }
        }
        return ImageTestSupport.options(context, temp.resolve(work),
                platform -> temp.resolve("save/" + platform.architecture() + "/registry"), platforms);
    }

    private BuiltImage buildInto(Path target, List<Platform> platforms, String work, String kubefile) throws Exception {
        try (OciArchive archive = OciArchive.create(target, Instant.EPOCH)) {
            BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options(platforms, work), null,
                    archive);
            archive.finish(image, "x:1");
            return image;
        }
    }

    /** The names of the archive's entries, in order. */
    private static List<String> names(Path archive) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            return new ArrayList<>(ImageTestSupport.readTar(in).keySet());
        }
    }

    private static List<String> allNames(Path archive) throws IOException, InterruptedException {
        return List.of(run(archive.getParent(), "tar", "-tf", archive.toString()).split("\n"));
    }

    @Test
    void theOnePassArchiveHasTheBytesOfOneWrittenFromLayerFiles() throws Exception {
        List<Platform> both = List.of(AMD64, ARM64);
        Path onePass = temp.resolve("one-pass.tar");
        BuiltImage direct = buildInto(onePass, both, "work-direct", ImageTestSupport.CLUSTER_IMAGE_KUBEFILE);
        assertFalse(Files.exists(temp.resolve("work-direct/blobs")), "no second copy of the layers next to the archive");

        BuiltImage viaFiles = ImageTestSupport.build(ImageTestSupport.CLUSTER_IMAGE_KUBEFILE, options(both, "work-files"));
        Path fromFiles = temp.resolve("from-files.tar");
        OciArchiveWriter.write(viaFiles, "x:1", Instant.EPOCH, fromFiles);

        assertEquals(viaFiles.digest(), direct.digest());
        assertEquals(-1, Files.mismatch(onePass, fromFiles), "the same image gives the same archive bytes, however it is written");
    }

    @Test
    void everyBlobIsStoredOnceAndEveryOneIsReadableByGnuTarAndSkopeo() throws Exception {
        Path archive = temp.resolve("image.tar");
        BuiltImage image = buildInto(archive, List.of(AMD64, ARM64), "work", ImageTestSupport.CLUSTER_IMAGE_KUBEFILE);

        List<String> names = allNames(archive); // GNU tar checks every header's checksum and size
        assertEquals(new HashSet<>(names).size(), names.size(), "no entry twice: " + names);
        Set<String> expected = new HashSet<>();
        expected.add(image.digest());
        for (PlatformImage platform : image.platforms()) {
            expected.add(platform.manifestDigest());
            expected.add(platform.configDigest());
            platform.layers().forEach(layer -> expected.add(layer.digest()));
        }
        // the index, two manifests, two configs, the manifests layer (the two platforms share it), two registry layers
        assertEquals(8, expected.size());
        Set<String> blobs = new HashSet<>();
        names.stream().filter(n -> n.startsWith("blobs/sha256/") && n.length() > "blobs/sha256/".length())
                .forEach(n -> blobs.add("sha256:" + n.substring("blobs/sha256/".length())));
        assertEquals(expected, blobs);
        assertEquals(List.of("blobs/", "blobs/sha256/"), names.subList(0, 2));
        assertEquals(List.of("index.json", "oci-layout"), names.subList(names.size() - 2, names.size()));

        // every blob's bytes are what its name says
        try (InputStream in = Files.newInputStream(archive)) {
            for (ImageTestSupport.TarEntry entry : ImageTestSupport.readTar(in).values()) {
                if (entry.path().startsWith("blobs/sha256/") && !entry.isDirectory()) {
                    assertEquals(entry.path().substring("blobs/sha256/".length()), Digests.hex(Digests.of(entry.content())));
                }
            }
        }
        for (PlatformImage platform : image.platforms()) {
            JsonNode inspect = JSON.readTree(run(temp, "skopeo", "--override-os", "linux", "--override-arch",
                    platform.platform().architecture(), "inspect", "oci-archive:" + archive));
            assertEquals(platform.layers().stream().map(Layer::digest).toList(), ImageTestSupport.strings(inspect.get("Layers")));
        }
        Path copy = temp.resolve("copy");
        run(temp, "skopeo", "copy", "--all", "--preserve-digests", "oci-archive:" + archive, "oci:" + copy + ":x");
        String raw = run(temp, "skopeo", "inspect", "--raw", "oci:" + copy + ":x");
        assertEquals(image.digest(), Digests.of(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void layersOfStagesThatOnlyServeCopyFromAreNeverWritten() throws Exception {
        Path archive = temp.resolve("image.tar");
        BuiltImage image = buildInto(archive, List.of(AMD64), "work", """
                FROM scratch AS tools
                COPY manifests /src/
                FROM scratch
                COPY --from=tools /src/app.yaml /manifests/app.yaml
                """);
        PlatformImage amd64 = image.platforms().get(0);
        assertEquals(1, amd64.layers().size());
        List<String> blobs = names(archive).stream().filter(n -> n.matches("blobs/sha256/[0-9a-f]{64}")).toList();
        assertEquals(3, blobs.size(), "one layer, the config and the manifest; the first stage's layer is not in the archive: " + blobs);
    }

    @Test
    void aFailedBuildLeavesThePreviousArchiveAndNoPartialFile() throws Exception {
        Path archive = temp.resolve("out/image.tar");
        write(temp, "out/image.tar", "the previous build");
        assertThrows(ImageBuildException.class, () -> buildInto(archive, List.of(AMD64), "work", """
                FROM scratch
                COPY manifests manifests
                COPY missing /missing
                """));
        assertEquals("the previous build", Files.readString(archive));
        try (Stream<Path> files = Files.list(archive.getParent())) {
            assertEquals(List.of(archive), files.toList(), "the temporary archive is deleted");
        }
    }

    @Test
    void aBlobTheArchiveHoldsAlreadyIsCutOffAndAnAbandonedOneLeavesNoTrace() throws Exception {
        byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
        String digest = Digests.of(content);
        Path once = temp.resolve("once.tar");
        Path twice = temp.resolve("twice.tar");
        BuiltImage image = new BuiltImage("sha256:" + "0".repeat(64), null, List.of(new PlatformImage(AMD64, "{}".getBytes(
                StandardCharsets.UTF_8), Digests.of("{}".getBytes(StandardCharsets.UTF_8)), "[]".getBytes(StandardCharsets.UTF_8),
                Digests.of("[]".getBytes(StandardCharsets.UTF_8)), List.of(new Layer(null, digest, content.length, digest,
                "application/vnd.oci.image.layer.v1.tar", "")))));
        try (OciArchive archive = OciArchive.create(once, Instant.EPOCH)) {
            writeBlob(archive, content, true);
            archive.finish(image, "x:1");
        }
        try (OciArchive archive = OciArchive.create(twice, Instant.EPOCH)) {
            writeBlob(archive, content, true);
            writeBlob(archive, "abandoned halfway".getBytes(StandardCharsets.UTF_8), false);
            writeBlob(archive, content, true);
            archive.finish(image, "x:1");
        }
        assertEquals(-1, Files.mismatch(once, twice));
        assertTrue(allNames(once).contains("blobs/sha256/" + Digests.hex(digest)));
    }

    private static void writeBlob(OciArchive archive, byte[] content, boolean commit) throws IOException {
        try (BlobSink.NewBlob blob = archive.begin()) {
            OutputStream out = blob.out();
            out.write(content);
            if (commit) {
                blob.commit(Digests.of(content), content.length);
            }
        }
    }

    @Test
    void aBlobThatDoesNotFitTheOctalSizeFieldGetsABase256Size() throws Exception {
        long size = 10L << 30; // 10 GiB: more than the 11 octal digits of ustar hold
        byte[] header = TarWriter.fileHeader("blobs/sha256/" + "a".repeat(64), 0644, 0, 0, 0, size);
        assertEquals(512, header.length);
        assertEquals((byte) 0x80, header[124]);
        Path file = temp.resolve("header-only.tar");
        Files.write(file, header);
        // GNU tar lists the entry with its size before it finds the content missing
        ImageTestSupport.Result listing = ImageTestSupport.runAllowingFailure(temp, "tar", "-tvf", file.toString());
        assertTrue(listing.stdout().contains(" " + size + " "), listing.stdout() + listing.stderr());
        byte[] small = TarWriter.fileHeader("f", 0644, 0, 0, 0, 5);
        byte[] expected = new byte[512];
        System.arraycopy("00000000005".getBytes(StandardCharsets.US_ASCII), 0, expected, 124, 11);
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 124, 136), java.util.Arrays.copyOfRange(small, 124, 136),
                "sizes that fit stay octal");
        assertThrows(IllegalArgumentException.class, () -> TarWriter.fileHeader("x/".repeat(60), 0644, 0, 0, 0, 1));
    }
}
