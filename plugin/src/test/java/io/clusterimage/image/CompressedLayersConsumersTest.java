package io.clusterimage.image;

import org.junit.jupiter.api.Tag;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.extract;
import static io.clusterimage.image.ImageTestSupport.run;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Layers compressed on several threads (gzip as one stream of 1 MiB blocks, zstd as 1 MiB frames),
 * written in one pass into the archive, read back by the real consumers: skopeo, buildah, umoci (gzip).
 */
@Tag("tools")
class CompressedLayersConsumersTest {

    private static final String KUBEFILE = """
            FROM scratch
            COPY manifests manifests
            COPY opt opt
            CMD ["kubectl apply -f manifests"]
            """;

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(value = LayerCompression.class, names = {"GZIP", "ZSTD"})
    void severalBlockLayersAreReadBackByteForByte(LayerCompression compression) throws Exception {
        Path context = Files.createDirectories(temp.resolve("context"));
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; yaml.length() < 3_500_000; i++) {
            yaml.append("- name: item-").append(i).append("\n  image: registry.example.com/app:").append(i % 97).append('\n');
        }
        write(context, "manifests/big.yaml", yaml.toString());
        byte[] binary = new byte[2_300_000];
        new Random(5).nextBytes(binary);
        Files.createDirectories(context.resolve("opt"));
        Files.write(context.resolve("opt/tool.bin"), binary);

        ImageBuildOptions defaults = ImageTestSupport.options(context, temp.resolve("work"), platform -> null, List.of(AMD64));
        ImageBuildOptions options = defaults.withCompression(compression, compression).withThreads(2);
        Path archive = temp.resolve("image.tar");
        BuiltImage image;
        try (OciArchive output = OciArchive.create(archive, Instant.EPOCH)) {
            image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), KUBEFILE), options, null, output);
            output.finish(image, "x:1");
        }
        for (Layer layer : image.platforms().get(0).layers()) {
            assertEquals(compression.mediaType(), layer.mediaType());
        }

        // skopeo decompresses every layer to recompress it (and checks each diff_id against the config)
        Path recompressed = temp.resolve("recompressed");
        run(temp, "skopeo", "copy", "--dest-compress-format", compression == LayerCompression.GZIP ? "zstd" : "gzip",
                "oci-archive:" + archive, "oci:" + recompressed + ":x");
        assertEquals(2, JSON.readTree(run(temp, "skopeo", "inspect", "oci:" + recompressed + ":x")).get("Layers").size());

        // buildah unpacks the original layers into its storage
        Tools.require("buildah");
        String[] storage = {"buildah", "--storage-driver", "vfs", "--root", temp.resolve("buildah/root").toString(),
                "--runroot", temp.resolve("buildah/runroot").toString()};
        String container = run(temp, with(storage, "from", "--name", "layers-" + compression.name().toLowerCase(java.util.Locale.ROOT),
                "oci-archive:" + archive)).strip();
        try {
            Path mount = Path.of(run(temp, with(storage, "mount", container)).strip());
            assertEquals(yaml.toString(), Files.readString(mount.resolve("manifests/big.yaml")));
            assertArrayEquals(binary, Files.readAllBytes(mount.resolve("opt/tool.bin")));
        } finally {
            run(temp, with(storage, "rm", container));
        }

        if (compression == LayerCompression.GZIP) {
            // umoci too (0.4.7, Debian 12's, reads no zstd layers)
            Path layout = extract(archive, temp.resolve("layout"));
            Path bundle = temp.resolve("bundle");
            run(temp, "umoci", "unpack", "--rootless", "--image", layout + ":x:1", bundle.toString());
            assertEquals(yaml.toString(), Files.readString(bundle.resolve("rootfs/manifests/big.yaml")));
            assertArrayEquals(binary, Files.readAllBytes(bundle.resolve("rootfs/opt/tool.bin")));
        }
    }

    private static String[] with(String[] command, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(command));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
