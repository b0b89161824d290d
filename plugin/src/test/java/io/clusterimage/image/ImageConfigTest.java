package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.strings;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image config: what each instruction leaves in it, as Docker and buildah write it. */
class ImageConfigTest {

    @TempDir
    Path temp;

    private Path context;

    @BeforeEach
    void layout() throws Exception {
        context = Files.createDirectories(temp.resolve("context"));
        write(context, "one.txt", "1");
    }

    private JsonNode config(String kubefile) throws Exception {
        return ImageTestSupport.config(ImageTestSupport.build(kubefile, context, temp.resolve("work")).platforms().get(0));
    }

    @Test
    void shellFormCmdRunsInTheShellAndExecFormIsKeptElementByElement() throws Exception {
        JsonNode config = config("""
                FROM scratch
                CMD kubectl apply -f manifests && echo "$HOME"
                ENTRYPOINT ["a", "b"]
                """).get("config");
        assertEquals(List.of("/bin/sh", "-c", "kubectl apply -f manifests && echo \"$HOME\""), strings(config.get("Cmd")));
        assertEquals(List.of("a", "b"), strings(config.get("Entrypoint")));

        // sealos CMDs: one element per command, commas inside elements kept
        assertEquals(List.of("kubectl apply -f a.yaml", "helm upgrade -i x charts/x --set a=1,b=2"),
                strings(config("FROM scratch\nCMD [\"kubectl apply -f a.yaml\", \"helm upgrade -i x charts/x --set a=1,b=2\"]\n")
                        .at("/config/Cmd")));
    }

    @Test
    void shellChangesTheShellFormOfLaterInstructions() throws Exception {
        JsonNode config = config("""
                FROM scratch
                ENTRYPOINT run before
                SHELL ["/bin/bash", "-ec"]
                CMD echo hi
                """).get("config");
        assertEquals(List.of("/bin/sh", "-c", "run before"), strings(config.get("Entrypoint")));
        // Docker's semantics; buildah 1.28 ignores SHELL here and writes /bin/sh -c
        assertEquals(List.of("/bin/bash", "-ec", "echo hi"), strings(config.get("Cmd")));
    }

    @Test
    void exposeAddsTheProtocolAndLabelsKeepQuotedKeys() throws Exception {
        JsonNode config = config("""
                FROM scratch
                EXPOSE 80 53/udp 443/TCP
                LABEL "apps.sealos.io/type"=rootfs "check"="check.sh \\$registryData" plain=a\\ b
                LABEL legacy value with spaces
                """).get("config");
        List<String> ports = new ArrayList<>();
        config.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(List.of("443/tcp", "53/udp", "80/tcp"), ports);
        assertTrue(config.get("ExposedPorts").get("80/tcp").isEmpty());
        assertEquals(Map.of("apps.sealos.io/type", "rootfs", "check", "check.sh $registryData", "plain", "a b",
                "legacy", "value with spaces"), JSON.convertValue(config.get("Labels"), Map.class));
    }

    @Test
    void envUserWorkdirVolumeStopsignalAndArgs() throws Exception {
        JsonNode config = config("""
                FROM scratch
                ARG NS=default
                ENV NAMESPACE=${NS} OTHER="a b"
                ENV LEGACY value with spaces
                ENV REF=$NAMESPACE-x
                USER 65532:65532
                WORKDIR /opt
                WORKDIR app
                VOLUME ["/data", "/logs"]
                STOPSIGNAL SIGTERM
                """).get("config");
        assertEquals(List.of(ImageBuilder.DEFAULT_PATH, "NAMESPACE=default", "OTHER=a b", "LEGACY=value with spaces",
                "REF=default-x"), strings(config.get("Env")));
        assertEquals("65532:65532", config.get("User").asText());
        assertEquals("/opt/app", config.get("WorkingDir").asText());
        assertEquals(List.of("/data", "/logs"), iterable(config.get("Volumes").fieldNames()));
        assertEquals("SIGTERM", config.get("StopSignal").asText());
        assertNull(config.get("Labels"));
        assertNull(config.get("Cmd"));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void platformAndTimesAreSetAndNoHostDataLeaks() throws Exception {
        JsonNode root = config("FROM scratch\nCOPY one.txt .\n");
        assertEquals("amd64", root.get("architecture").asText());
        assertEquals("linux", root.get("os").asText());
        assertEquals("1970-01-01T00:00:00Z", root.get("created").asText());
        assertEquals("layers", root.at("/rootfs/type").asText());
        assertEquals(1, root.at("/rootfs/diff_ids").size());
        String text = root.toString();
        assertFalse(text.contains(temp.toString()), text);
    }

    @Test
    void oneHistoryEntryPerInstructionEmptyLayerForAllButCopy() throws Exception {
        BuiltImage image = ImageTestSupport.build("""
                FROM scratch
                ARG V=1
                LABEL a=b
                ENV A=$V
                COPY one.txt .
                ADD one.txt two.txt
                CMD ["x"]
                EXPOSE 80
                """, context, temp.resolve("work"));
        JsonNode root = ImageTestSupport.config(image.platforms().get(0));
        List<String> createdBy = new ArrayList<>();
        List<Boolean> empty = new ArrayList<>();
        for (JsonNode entry : root.get("history")) {
            createdBy.add(entry.get("created_by").asText());
            empty.add(entry.path("empty_layer").asBoolean(false));
            assertEquals("1970-01-01T00:00:00Z", entry.get("created").asText());
        }
        assertEquals(7, createdBy.size(), createdBy.toString());
        assertEquals(List.of(true, true, true, false, false, true, true), empty);
        assertTrue(createdBy.get(0).contains("ARG V"), createdBy.get(0));
        assertTrue(createdBy.get(3).contains("COPY one.txt ."), createdBy.get(3));
        assertTrue(createdBy.get(4).contains("ADD one.txt two.txt"), createdBy.get(4));
        // as many non-empty history entries as layers and diff_ids
        assertEquals(2, image.platforms().get(0).layers().size());
        assertEquals(2, root.at("/rootfs/diff_ids").size());
    }

    @Test
    void maintainerSetsTheAuthor() throws Exception {
        assertEquals("sealos", config("FROM scratch\nMAINTAINER sealos\n").get("author").asText());
    }

    @Test
    void healthcheckAndOnbuildAreRecorded() throws Exception {
        JsonNode config = config("""
                FROM scratch
                HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/
                ONBUILD COPY x y
                """).get("config");
        assertEquals(List.of("CMD-SHELL", "curl -f http://localhost/"), strings(config.at("/Healthcheck/Test")));
        assertEquals(5_000_000_000L, config.at("/Healthcheck/Interval").asLong());
        assertEquals(3, config.at("/Healthcheck/Retries").asInt());
        assertEquals(List.of("COPY x y"), strings(config.get("OnBuild")));
    }

    @Test
    void manifestAnnotationsCarryTheCreationTimeAndTheImagesLock() throws Exception {
        ImageBuildOptions defaults = ImageTestSupport.options(context, temp.resolve("work"));
        ImageBuildOptions options = defaults.withAnnotations(Map.of("org.opencontainers.image.version", "1.0"))
                .withImagesLock(Map.of(ImageTestSupport.AMD64, "docker.io/library/nginx:1.25 sha256:abc\n")).withRefName("x:1").withThreads(1);
        PlatformImage image = ImageTestSupport.build("FROM scratch\nCOPY one.txt .\n", options).platforms().get(0);
        JsonNode annotations = ImageTestSupport.manifest(image).get("annotations");
        assertEquals("1.0", annotations.get("org.opencontainers.image.version").asText());
        assertEquals("1970-01-01T00:00:00Z", annotations.get("org.opencontainers.image.created").asText());
        assertEquals("docker.io/library/nginx:1.25 sha256:abc\n", annotations.get("io.clusterimage.images.lock").asText());
        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", ImageTestSupport.manifest(image).at("/layers/0/mediaType").asText());
    }
}
