package io.clusterimage.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** push-image as Maven runs it: the summary line (uploaded, mounted, already there), image.json, parameter checks. */
@Tag("tools")
class PushImageMojoTest {

    @TempDir
    Path work;

    private final List<String> info = new CopyOnWriteArrayList<>();

    private PushImageMojo mojo(String image, Path archive) {
        PushImageMojo mojo = new PushImageMojo();
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }
        });
        mojo.to = new PushTarget();
        mojo.to.image = image;
        mojo.outputFile = archive.toFile();
        mojo.outputDirectory = work.resolve("target/cluster-image").toFile();
        mojo.insecureRegistries = List.of(image.substring(0, image.indexOf('/')));
        mojo.maxConcurrentUploads = 4;
        mojo.uploadChunkSizeMiB = 32;
        mojo.requestTimeoutSeconds = 120;
        mojo.minTransferKiBPerSecond = 64;
        return mojo;
    }

    /** A one-platform cluster image of one manifest, built in {@code work/<name>}. */
    static BuiltImage manifestsImage(Path work, String name) throws Exception {
        Path context = Files.createDirectories(work.resolve(name));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "kind: Namespace\nmetadata:\n  name: app\n");
        ImageBuildOptions options = ImageBuildOptions.of(context, work.resolve("build-" + name)).withRefName("app:1");
        return ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"),
                "FROM scratch\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests/app.yaml\"]\n"), options);
    }

    private Path archive() throws Exception {
        BuiltImage image = manifestsImage(work, "app");
        Path archive = work.resolve("app.tar");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive);
        return archive;
    }

    @Test
    void logsWhatThePushDidAndRecordsIt() throws Exception {
        Path archive = archive();
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store"), false, null, work)) {
            String image = registry.host() + "/apps/mojo:1.0";
            mojo(image, archive).execute();
            String summary = info.get(info.size() - 1);
            assertTrue(summary.matches("cluster-image: pushed \\Q" + image + "\\E sha256:[0-9a-f]{64} \\(uploaded 2 \\([0-9.]+ (B|KiB)\\), "
                    + "mounted 0, already there 0\\)"), summary);
            JsonNode report = new ObjectMapper().readTree(work.resolve("target/cluster-image/image.json").toFile());
            assertTrue(report.path("imagePushed").asBoolean());
            assertEquals(report.path("imageDigest").asText(), TestImages.manifestDigest(registry.url(), "apps/mojo", "1.0"));

            info.clear();
            mojo(image, archive).execute();
            assertTrue(info.get(info.size() - 1).endsWith("(uploaded 0 (0 B), mounted 0, already there 2)"), info.toString());
        }
    }

    @Test
    void theSbomTheArchiveCarriesTravelsWithTheImageAsAReferrer() throws Exception {
        BuiltImage image = manifestsImage(work, "with-sbom");
        var artifact = sbomOf(image);
        Path archive = archiveWith(image, "with-sbom.tar", artifact);
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store-sbom"), false, null, work)) {
            var client = new io.clusterimage.registry.RegistryClient(io.clusterimage.registry.RegistryOptions.defaults()
                    .withInsecure(java.util.Set.of(registry.host())));
            PushImageMojo without = mojo(registry.host() + "/apps/nosbom:1.0", archive);
            without.pushSbom = false;
            without.execute();
            assertTrue(info.stream().noneMatch(line -> line.contains("artifact")), info.toString());
            assertEquals(io.clusterimage.registry.RegistryException.Kind.NOT_FOUND, assertThrows(io.clusterimage.registry.RegistryException.class,
                    () -> client.manifest(registry.host(), "apps/nosbom", image.digest().replace(':', '-'))).kind());

            String target = registry.host() + "/apps/sbom:1.0";
            PushImageMojo mojo = mojo(target, archive);
            mojo.pushSbom = true;
            mojo.execute();
            String digest = TestImages.manifestDigest(registry.url(), "apps/sbom", "1.0");
            assertEquals(image.digest(), digest);
            assertEquals("cluster-image: pushed the application/vnd.cyclonedx+json artifact " + artifact.digest() + ", listed under "
                    + digest.replace(':', '-'), info.get(info.size() - 1));
            JsonNode index = new ObjectMapper().readTree(client.manifest(registry.host(), "apps/sbom", digest.replace(':', '-')).bytes());
            assertEquals("application/vnd.cyclonedx+json", index.path("manifests").get(0).path("artifactType").asText());
            assertEquals(artifact.digest(), index.path("manifests").get(0).path("digest").asText());
        }
    }

    @Test
    void theSignatureTravelsWithTheImageAndAnotherKeysSignatureIsKept() throws Exception {
        io.clusterimage.testing.Tools.require("openssl");
        BuiltImage image = manifestsImage(work, "signed");
        Path releaseKey = work.resolve("release.key");
        Path releasePub = io.clusterimage.testing.CosignVerifier.generateKey(releaseKey, "ec", null);
        Path teamKey = work.resolve("team.key");
        Path teamPub = io.clusterimage.testing.CosignVerifier.generateKey(teamKey, "ed25519", null);
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store-signed"), false, null, work)) {
            String image1 = registry.host() + "/apps/signed:1.0";
            String tag = image.digest().replace(':', '-') + ".sig";
            Path releaseArchive = signedArchive(image, releaseKey, image1);
            mojo(image1, releaseArchive).execute();
            assertTrue(info.get(info.size() - 1).startsWith("cluster-image: pushed the signature " + tag + " -> sha256:"), info.toString());
            info.clear();
            mojo(image1, releaseArchive).execute(); // the same build pushed again: its signature is there already
            assertEquals("cluster-image: pushed the signature " + tag + " (has this signature already)", info.get(info.size() - 1));
            mojo(image1, signedArchive(image, teamKey, image1)).execute();

            // read back over HTTP and checked by OpenSSL: the release key's signature, stored once, and the team
            // key's, added beside it
            List<io.clusterimage.testing.CosignVerifier.Checked> release = io.clusterimage.testing.CosignVerifier.verifyInRegistry(
                    registry.url(), "apps/signed", image.digest(), releasePub, false, work);
            assertEquals(2, release.size(), release.toString());
            assertEquals(1, release.stream().filter(io.clusterimage.testing.CosignVerifier.Checked::verified).count(), release.toString());
            List<io.clusterimage.testing.CosignVerifier.Checked> team = io.clusterimage.testing.CosignVerifier.verifyInRegistry(
                    registry.url(), "apps/signed", image.digest(), teamPub, true, work);
            assertEquals(1, team.stream().filter(io.clusterimage.testing.CosignVerifier.Checked::verified).count(), team.toString());
        }
    }

    /** The SBOM artifact of a one-platform image, as package-image stores it in the archive. */
    private static io.clusterimage.registry.Attachments.Attachment sbomOf(BuiltImage image) {
        byte[] sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return io.clusterimage.registry.Referrers.artifact(new io.clusterimage.registry.Manifest.Descriptor(
                io.clusterimage.registry.Manifest.OCI_MANIFEST, image.digest(), image.platforms().get(0).manifest().length, null, null, null),
                PackageImageMojo.SBOM_TYPE, sbom);
    }

    private Path archiveWith(BuiltImage image, String name, io.clusterimage.registry.Attachments.Attachment attachment) throws Exception {
        Path archive = work.resolve(name);
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive, OciArchiveWriter.Format.OCI_ARCHIVE, List.of(attachment));
        return archive;
    }

    private Path signedArchive(BuiltImage image, Path key, String identity) throws Exception {
        SigningConfig config = new SigningConfig();
        config.key = key.toFile();
        PackageImageMojo packager = new PackageImageMojo();
        packager.environment = Map.of();
        return archiveWith(image, "signed-" + key.getFileName() + ".tar", ImageSigning.of(packager, config, identity).sign(image.digest()));
    }

    @Test
    void aRegistryWithTheReferrersApiGetsNoFallbackTag() throws Exception {
        BuiltImage image = manifestsImage(work, "api");
        var artifact = sbomOf(image);
        Path archive = archiveWith(image, "api.tar", artifact);
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store-api"), false, null, work);
             io.clusterimage.testing.UploadProxy front = new io.clusterimage.testing.UploadProxy(registry.url())) {
            // docker-registry 2.8 has no referrers API: the front adds to its answer what a registry with the API says
            front.addResponseHeader("PUT", "/v2/apps/api/manifests/" + artifact.digest(), "OCI-Subject", image.digest());
            PushImageMojo mojo = mojo(front.host() + "/apps/api:1.0", archive);
            mojo.pushSbom = true;
            mojo.execute();
            assertEquals("cluster-image: pushed the application/vnd.cyclonedx+json artifact " + artifact.digest()
                    + ", indexed by the registry's referrers API", info.get(info.size() - 1));
            assertTrue(front.requests().stream().anyMatch(r -> r.method().equals("PUT") && r.path().endsWith(artifact.digest())
                    && r.status() == 201), front.requests().toString());
            assertEquals(List.of(), front.requests().stream().filter(r -> r.path().contains(image.digest().replace(':', '-'))).toList(),
                    "no fallback tag is read or written");
        }
    }

    @Test
    void refusesNonsenseSettings() throws Exception {
        Path archive = archive();
        PushImageMojo none = mojo("127.0.0.1:1/apps/x:1", archive);
        none.maxConcurrentUploads = 0;
        assertTrue(assertThrows(MojoExecutionException.class, none::execute).getMessage().contains("maxConcurrentUploads"));
        PushImageMojo tiny = mojo("127.0.0.1:1/apps/x:1", archive);
        tiny.uploadChunkSizeMiB = 0;
        assertTrue(assertThrows(MojoExecutionException.class, tiny::execute).getMessage().contains("uploadChunkSizeMiB"));
    }
}
