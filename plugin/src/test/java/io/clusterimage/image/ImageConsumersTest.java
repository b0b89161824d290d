package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.chmod;
import static io.clusterimage.image.ImageTestSupport.extract;
import static io.clusterimage.image.ImageTestSupport.registryTree;
import static io.clusterimage.image.ImageTestSupport.run;
import static io.clusterimage.image.ImageTestSupport.sha256Hex;
import static io.clusterimage.image.ImageTestSupport.strings;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What we write must be read by the tools that consume cluster images: skopeo (inspect, copy to a
 * registry and back), umoci (unpack to a root file system) and buildah ({@code from oci-archive:}).
 */
@Tag("tools")
class ImageConsumersTest {

    private static final String KUBEFILE = """
            FROM scratch
            LABEL "sealos.io.type"="application" version=v1
            ENV NAMESPACE=demo
            COPY manifests manifests
            COPY charts charts
            COPY opt opt
            COPY registry registry
            CMD ["kubectl apply -f manifests/app.yaml"]
            """;

    @TempDir
    Path temp;

    private Path archive;
    private BuiltImage image;
    private String registryBlobPath;
    private Path registryTree;

    @BeforeEach
    void buildImage() throws Exception {
        Path context = Files.createDirectories(temp.resolve("context"));
        write(context, "Kubefile", KUBEFILE);
        // source modes are not what the image gets: 0600 → 0644, 0700 → 0755
        chmod(write(context, "manifests/app.yaml", "kind: Deployment\n"), "rw-------");
        write(context, "charts/x/Chart.yaml", "apiVersion: v2\nname: x\nversion: 0.1.0\n");
        chmod(write(context, "opt/bin/tool", "#!/bin/sh\necho tool\n"), "rwx------");
        write(context, "target/ignored.txt", "Maven's build directory is not context");
        Path tree = registryTree(temp.resolve("save/linux_amd64/registry"), "library/nginx", "amd64");
        registryTree = tree;
        registryBlobPath = relativeFile(tree);
        ImageBuildOptions options = ImageTestSupport.options(context, temp.resolve("work"),
                platform -> platform.equals(AMD64) ? tree : null, List.of(AMD64));
        image = ImageTestSupport.build(KUBEFILE, options);
        archive = temp.resolve("image.tar");
        OciArchiveWriter.write(image, "x:1", Instant.EPOCH, archive);
    }

    private static String relativeFile(Path tree) throws IOException {
        try (var walk = Files.walk(tree)) {
            return tree.relativize(walk.filter(p -> p.getFileName().toString().equals("data")).findFirst().orElseThrow()).toString();
        }
    }

    @Test
    void skopeoInspectReadsTheArchive() throws Exception {
        JsonNode inspect = JSON.readTree(run(temp, "skopeo", "inspect", "oci-archive:" + archive));
        assertEquals("amd64", inspect.get("Architecture").asText());
        assertEquals("linux", inspect.get("Os").asText());
        assertEquals(Map.of("sealos.io.type", "application", "version", "v1"),
                JSON.convertValue(inspect.get("Labels"), Map.class));
        assertEquals(List.of(ImageBuilder.DEFAULT_PATH, "NAMESPACE=demo"), strings(inspect.get("Env")));
        assertEquals(4, inspect.get("Layers").size(), inspect.toString());
        assertEquals(image.digest(), inspect.get("Digest").asText());
    }

    @Test
    void umociUnpacksTheExactTreeWithNormalizedModes() throws Exception {
        Path layout = extract(archive, temp.resolve("layout"));
        Path bundle = temp.resolve("bundle");
        run(temp, "umoci", "unpack", "--rootless", "--image", layout + ":x:1", bundle.toString());

        TreeMap<String, String> expected = new TreeMap<>();
        expected.put("charts", "d 0755");
        expected.put("charts/x", "d 0755");
        expected.put("charts/x/Chart.yaml", "f 0644 apiVersion: v2\nname: x\nversion: 0.1.0\n");
        expected.put("manifests", "d 0755");
        expected.put("manifests/app.yaml", "f 0644 kind: Deployment\n");
        expected.put("opt", "d 0755");
        expected.put("opt/bin", "d 0755");
        expected.put("opt/bin/tool", "f 0755 #!/bin/sh\necho tool\n");
        expected.put("registry", "d 0755");
        // the registry tree as save-registry wrote it, with normalized modes
        ImageTestSupport.tree(registryTree).forEach((path, entry) ->
                expected.put("registry/" + path, entry.startsWith("d") ? "d 0755" : "f 0644" + entry.substring(6)));
        assertTrue(expected.containsKey("registry/" + registryBlobPath));
        TreeMap<String, String> tree = ImageTestSupport.tree(bundle.resolve("rootfs"));
        assertEquals(expected, tree);

        JsonNode runtime = JSON.readTree(bundle.resolve("config.json").toFile());
        assertEquals(List.of("kubectl apply -f manifests/app.yaml"), strings(runtime.at("/process/args")));
        assertTrue(strings(runtime.at("/process/env")).contains("NAMESPACE=demo"), runtime.at("/process/env").toString());
    }

    /**
     * The registry layer is stored uncompressed by default, and containers/image compresses
     * uncompressed layers when it pushes to a registry or writes {@code oci:} — unless told to keep
     * digests. So the digest we report survives {@code skopeo copy --preserve-digests}.
     */
    @Test
    void skopeoCopyWithPreservedDigestsToARegistryAndBackKeepsTheDigest() throws Exception {
        assertRoundTripKeepsDigest(archive, image, "--preserve-digests");
    }

    /** With every layer gzip'd, a plain {@code skopeo copy} keeps the digest too. */
    @Test
    void plainSkopeoCopyKeepsTheDigestOfAnAllGzipImage() throws Exception {
        ImageBuildOptions defaults = ImageTestSupport.options(temp.resolve("context"), temp.resolve("work-gzip"),
                platform -> temp.resolve("save/linux_amd64/registry"), List.of(AMD64));
        ImageBuildOptions gzip = defaults.withCompression(LayerCompression.GZIP, LayerCompression.GZIP);
        BuiltImage gzipped = ImageTestSupport.build(KUBEFILE, gzip);
        Path gzipArchive = temp.resolve("gzip.tar");
        OciArchiveWriter.write(gzipped, "x:1", Instant.EPOCH, gzipArchive);
        assertRoundTripKeepsDigest(gzipArchive, gzipped);
    }

    private void assertRoundTripKeepsDigest(Path archive, BuiltImage image, String... flags) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(temp.resolve("registry-root"), false, null, temp.resolve("registry-work"))) {
            String remote = "docker://" + registry.host() + "/x:1";
            run(temp, concat("skopeo copy", flags, "--dest-tls-verify=false", "oci-archive:" + archive, remote));
            String served = run(temp, "skopeo", "inspect", "--raw", "--tls-verify=false", remote);
            assertEquals(image.digest(), "sha256:" + sha256Hex(served.getBytes(StandardCharsets.UTF_8)));

            Path back = temp.resolve("back");
            run(temp, concat("skopeo copy", flags, "--src-tls-verify=false", remote, "oci:" + back + ":x"));
            String raw = run(temp, "skopeo", "inspect", "--raw", "oci:" + back + ":x");
            assertEquals(image.digest(), "sha256:" + sha256Hex(raw.getBytes(StandardCharsets.UTF_8)));
            assertEquals(new String(image.platforms().get(0).manifest(), StandardCharsets.UTF_8), raw);
        }
    }

    @Test
    void buildahCreatesAContainerFromTheArchive() throws Exception {
        Tools.require("buildah");
        String[] storage = {"--storage-driver", "vfs", "--root", temp.resolve("buildah/root").toString(),
                "--runroot", temp.resolve("buildah/runroot").toString()};
        String container = run(temp, concat("buildah", storage, "from", "--name", "x-test", "oci-archive:" + archive)).strip();
        assertEquals("x-test", container);
        String mount = run(temp, concat("buildah", storage, "mount", container)).strip();
        try {
            assertEquals("kind: Deployment\n", Files.readString(Path.of(mount, "manifests/app.yaml")));
            assertTrue(Files.isExecutable(Path.of(mount, "opt/bin/tool")));
        } finally {
            run(temp, concat("buildah", storage, "rm", container));
        }
    }

    /** {@code first} split at blanks, then {@code middle}, then {@code rest}. */
    private static String[] concat(String first, String[] middle, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first.split(" ")));
        all.addAll(List.of(middle));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
