package io.clusterimage.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.ChildJvm;
import io.clusterimage.testing.CredentialHelper;
import io.clusterimage.testing.Htpasswd;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.SaveMain;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saving from a real docker-registry that requires Basic auth (htpasswd), with the credentials from
 * each place a build can get them: a {@link CredentialProvider} (the POM and settings.xml end up as
 * one), a Docker config file, and a credential helper program found on PATH.
 */
@Tag("tools")
class BasicAuthSaveTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static TestImages.Blob app;
    static TestImages.Blob multi;

    @BeforeAll
    static void pushFixtures() throws Exception {
        registry = LocalRegistry.start(work.resolve("root"), false, Htpasswd.write(work.resolve("htpasswd")), work.resolve("logs"));
        TestImages images = new TestImages(registry.url(), Htpasswd.USER, Htpasswd.PASSWORD);
        TestImages.Blob shared = TestImages.layer("shared.bin", 100_000, 1);
        app = images.pushImage("private/app", "1.0", "linux/amd64", List.of(shared, TestImages.layer("app.bin", 30_000, 2)));
        multi = images.pushIndex("private/multi", "2.0", List.of("linux/amd64", "linux/arm64"), List.of(shared), 3);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private List<ImageReference> references() {
        return List.of(ImageReference.parse(registry.host() + "/private/app:1.0"),
                ImageReference.parse(registry.host() + "/private/multi:2.0"));
    }

    private ImageSaver saver(Path out, Path cache, CredentialProvider credentials) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(registry.host())).withCredentials(credentials)
                .withRetries(3, Duration.ofMillis(20));
        return new ImageSaver(new RegistryClient(options), new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 4, cache, false,
                line -> { }));
    }

    private void assertSavedTree(Path out, Path cache) throws Exception {
        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of("private/app:1.0", "private/multi:2.0"), TreeChecks.assertTagsComplete(tree).stream().sorted().toList());
        assertTrue(TreeChecks.assertEveryBlobVerifies(tree) > 0);
        assertTrue(TreeChecks.assertEveryBlobVerifies(cache) > 0);
        TreeChecks.assertServes(tree, work.resolve("logs"), Map.of(
                "private/app:1.0", app.digest(),
                "private/multi:2.0", childDigest("amd64")));
    }

    /** The registry is really protected: without credentials it refuses, with the htpasswd user it answers. */
    @Test
    void theFixtureRegistryRequiresTheHtpasswdUser() throws Exception {
        var anonymous = (java.net.HttpURLConnection) java.net.URI.create(registry.url() + "/v2/private/app/manifests/1.0").toURL()
                .openConnection();
        assertEquals(401, anonymous.getResponseCode());
        assertTrue(anonymous.getHeaderField("WWW-Authenticate").startsWith("Basic "), anonymous.getHeaderField("WWW-Authenticate"));
    }

    @Test
    void credentialsFromAProviderAnswerTheBasicChallenge() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        CredentialProvider provider = host -> {
            asked.add(host);
            return host.equals(registry.host()) ? Optional.of(new Credentials(Htpasswd.USER, Htpasswd.PASSWORD)) : Optional.empty();
        };
        Path out = work.resolve("out-provider");
        Path cache = work.resolve("cache-provider");
        SaveSummary summary = saver(out, cache, provider).save(references());
        assertEquals(2, summary.images());
        assertFalse(asked.isEmpty(), "the provider was consulted");
        assertEquals(Set.of(registry.host()), Set.copyOf(asked), "credentials are looked up by the registry host (with port)");
        assertSavedTree(out, cache);
    }

    @Test
    void credentialsFromADockerConfigFileWithBase64AuthAndAColonInThePassword() throws Exception {
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putObject("auths").putObject(registry.host()).put("auth", Base64.getEncoder()
                .encodeToString((Htpasswd.USER + ":" + Htpasswd.PASSWORD).getBytes(StandardCharsets.UTF_8)));
        config.with("auths").putObject("other.example").put("auth", Base64.getEncoder().encodeToString("x:y".getBytes(StandardCharsets.UTF_8)));
        Path file = work.resolve("docker-config/config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, config.toPrettyString());
        Path out = work.resolve("out-config");
        Path cache = work.resolve("cache-config");
        saver(out, cache, new DockerConfigCredentials(List.of(work.resolve("missing/config.json"), file))).save(references());
        assertSavedTree(out, cache);
    }

    /**
     * A {@code credHelpers} entry runs {@code docker-credential-test get} found on PATH. The JVM's own
     * PATH decides where programs are found, so the save runs in a child JVM whose PATH has the fake
     * helper's directory first.
     */
    @Test
    void credentialsFromACredentialHelperOnThePath() throws Exception {
        Path bin = work.resolve("helper-bin");
        CredentialHelper helper = CredentialHelper.write(bin, "test", Map.of(registry.host(), List.of(Htpasswd.USER, Htpasswd.PASSWORD)));
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putObject("credHelpers").put(registry.host(), "test");
        // an auths entry with a wrong password: credHelpers for the registry wins over it
        config.putObject("auths").putObject(registry.host()).put("auth",
                Base64.getEncoder().encodeToString((Htpasswd.USER + ":wrong").getBytes(StandardCharsets.UTF_8)));
        Path file = work.resolve("helper-config/config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, config.toPrettyString());
        Path out = work.resolve("out-helper");
        Path cache = work.resolve("cache-helper");
        List<String> args = new ArrayList<>(List.of("out=" + out, "cache=" + cache, "insecure=" + registry.host(), "config=" + file));
        references().forEach(ref -> args.add(ref.canonical()));
        ProcessBuilder builder = ChildJvm.command(SaveMain.class, args).redirectErrorStream(true);
        builder.environment().put("PATH", ChildJvm.pathWith(bin));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("SAVED 2 "), output);
        assertFalse(helper.calls().isEmpty(), "the helper was run");
        assertTrue(helper.calls().stream().allMatch(call -> call.equals("get " + registry.host())), helper.calls().toString());
        assertSavedTree(out, cache);
    }

    @Test
    void aWrongPasswordIsUnauthorizedAndNamesTheRegistry() throws Exception {
        Path out = work.resolve("out-wrong");
        Path cache = work.resolve("cache-wrong");
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(out, cache,
                host -> Optional.of(new Credentials(Htpasswd.USER, "not " + Htpasswd.PASSWORD))).save(references()));
        assertEquals(2, failure.failures().size());
        for (ImageSaver.Failure f : failure.failures()) {
            assertEquals(RegistryException.Kind.UNAUTHORIZED, f.error().kind(), f.error().getMessage());
            assertTrue(f.error().getMessage().contains(registry.host()), f.error().getMessage());
            assertFalse(f.error().getMessage().contains(Htpasswd.PASSWORD), "the password is never shown");
        }
        assertNothingSaved(out, cache);
    }

    @Test
    void noCredentialsAtAllIsUnauthorized() throws Exception {
        Path out = work.resolve("out-anonymous");
        Path cache = work.resolve("cache-anonymous");
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class,
                () -> saver(out, cache, new DockerConfigCredentials(List.of(work.resolve("no-such/config.json")))).save(references()));
        assertEquals(2, failure.failures().size());
        for (ImageSaver.Failure f : failure.failures()) {
            assertEquals(RegistryException.Kind.UNAUTHORIZED, f.error().kind(), f.error().getMessage());
            assertTrue(f.error().getMessage().contains(registry.host()), f.error().getMessage());
        }
        assertNothingSaved(out, cache);
    }

    private static void assertNothingSaved(Path out, Path cache) throws Exception {
        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of(), TreeChecks.assertTagsComplete(tree));
        assertEquals(0, TreeChecks.assertEveryBlobVerifies(tree));
        assertEquals(0, TreeChecks.assertEveryBlobVerifies(cache));
        TreeChecks.assertNoTemporaryFiles(cache.resolve("incoming"));
    }

    private static String childDigest(String arch) throws Exception {
        for (Manifest.Descriptor child : Manifest.of(multi.content(), null).children()) {
            if (child.architecture().equals(arch)) {
                return child.digest();
            }
        }
        throw new AssertionError(arch);
    }
}
