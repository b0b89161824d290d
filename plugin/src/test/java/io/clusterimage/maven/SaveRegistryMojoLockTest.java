package io.clusterimage.maven;

import io.clusterimage.fetch.LockFile;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * save-registry against cluster-image.lock, with a real registry on 127.0.0.1: the digest the lock
 * records passes; a tag that moved since, or (with requireLock) an image the lock does not list, stops
 * the build naming the image, the platform and both digests, and leaves no registry tree behind.
 */
@Tag("tools")
class SaveRegistryMojoLockTest {

    @TempDir
    Path work;

    private SaveRegistryMojo mojo(Path context, String host, boolean requireLock) {
        SaveRegistryMojo mojo = new SaveRegistryMojo();
        mojo.contextDirectory = context.toFile();
        mojo.outputDirectory = context.resolve("target/cluster-image").toFile();
        mojo.platforms = List.of("linux/amd64");
        mojo.insecureRegistries = List.of(host);
        mojo.cacheDirectory = work.resolve("cache").toFile();
        mojo.lockFile = context.resolve(LockFile.FILE_NAME).toFile();
        mojo.requireLock = requireLock;
        mojo.maxConcurrentDownloads = 2;
        mojo.requestTimeoutSeconds = 30;
        mojo.minTransferKiBPerSecond = 64;
        return mojo;
    }

    /** A layout whose Kubefile copies manifests/ and registry/; the test writes the manifests. */
    private static Path layout(Path context) throws java.io.IOException {
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY manifests manifests\nCOPY registry registry\n");
        return context;
    }

    @Test
    void aMovedTagOrAnUnlockedImageStopsTheBuildAndNothingIsKept() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            TestImages images = new TestImages(registry.url());
            String pushed = images.pushImage("lock/app", "1.0", "linux/amd64", List.of(TestImages.layer("a.bin", 1_000, 1))).digest();
            Path context = layout(work.resolve("app"));
            String image = registry.host() + "/lock/app:1.0";
            Files.writeString(context.resolve("manifests/pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: " + image + "\n");
            Path tree = context.resolve("target/cluster-image/linux-amd64/registry");

            // the lock names another digest: the tag moved since it was written
            String old = "sha256:" + "0".repeat(64);
            new LockFile(List.of(), List.of(), List.of(new LockFile.LockedImage(image, Map.of("linux/amd64", old)))).write(context.resolve(LockFile.FILE_NAME));
            MojoExecutionException moved = assertThrows(MojoExecutionException.class, () -> mojo(context, registry.host(), false).execute());
            assertEquals("cluster-image.lock does not match what the registries serve: " + image + " (linux/amd64) is " + pushed
                    + ", but the lock says " + old + ". If the change is expected, run mvn package cluster-image:lock and review the diff;"
                    + " otherwise pin the image by digest where it is referenced", moved.getMessage());
            assertFalse(Files.exists(tree), "nothing unverified is kept");

            // the lock agrees: saved
            new LockFile(List.of(), List.of(), List.of(new LockFile.LockedImage(image, Map.of("linux/amd64", pushed)))).write(context.resolve(LockFile.FILE_NAME));
            mojo(context, registry.host(), true).execute();
            assertTrue(Files.isDirectory(tree.resolve("docker/registry/v2/repositories/lock/app")));

            // required, and the lock does not list it
            LockFile.empty().write(context.resolve(LockFile.FILE_NAME));
            MojoExecutionException unlocked = assertThrows(MojoExecutionException.class, () -> mojo(context, registry.host(), true).execute());
            assertTrue(unlocked.getMessage().contains(image + " (linux/amd64) is not in the lock; it is " + pushed), unlocked.getMessage());
        }
    }

    @Test
    void aSignaturePolicyWithAnUnreadableKeyNamesTheRuleAndAnUnsignedImageIsNotStored() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            new TestImages(registry.url()).pushImage("policy/app", "1.0", "linux/amd64", List.of(TestImages.layer("a.bin", 1_000, 1)));
            Path context = layout(work.resolve("app"));
            String image = registry.host() + "/policy/app:1.0";
            Files.writeString(context.resolve("manifests/pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: " + image + "\n");

            SignaturePolicyRule rule = new SignaturePolicyRule();
            rule.images = registry.host() + "/policy/*";
            rule.publicKey = Files.writeString(work.resolve("cosign.pub"), "not a key").toFile();
            SaveRegistryMojo mojo = mojo(context, registry.host(), false);
            mojo.signaturePolicy = List.of(rule);
            MojoExecutionException badKey = assertThrows(MojoExecutionException.class, mojo::execute);
            assertTrue(badKey.getMessage().startsWith("<signaturePolicy><rule> number 1 <publicKey>: "), badKey.getMessage());

            rule.publicKey = null; // any signature required, and the image has none
            org.apache.maven.plugin.MojoFailureException unsigned = assertThrows(org.apache.maven.plugin.MojoFailureException.class,
                    mojo::execute);
            assertEquals("1 image(s) could not be saved; see the [ERROR] lines above.", unsigned.getMessage());
            assertFalse(Files.exists(context.resolve("target/cluster-image/linux-amd64/registry/docker/registry/v2/repositories/policy/app/_manifests/tags")));
        }
    }

    @Test
    void aRegistryBlockedInTheUsersRegistriesConfIsNotPulledFromAndItsMirrorIs() throws Exception {
        String home = System.getProperty("user.home");
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            TestImages.Blob pushed = new TestImages(registry.url()).pushImage("conf/app", "1.0", "linux/amd64",
                    List.of(TestImages.layer("a.bin", 1_000, 1)));
            Path context = layout(work.resolve("app"));
            // the manifests name a registry that is not reachable; registries.conf mirrors it to the local one
            String elsewhere = "127.0.0.1:" + LocalRegistry.freePort();
            Files.writeString(context.resolve("manifests/pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: " + elsewhere
                    + "/conf/app:1.0\n");
            Path conf = Files.createDirectories(work.resolve("home/.config/containers")).resolve("registries.conf");
            Files.writeString(conf, "[[registry]]\nlocation = \"" + elsewhere + "\"\ninsecure = true\n\n[[registry.mirror]]\nlocation = \""
                    + registry.host() + "\"\ninsecure = true\n");
            System.setProperty("user.home", work.resolve("home").toString());

            SaveRegistryMojo mojo = mojo(context, registry.host(), false);
            mojo.useRegistriesConf = true;
            mojo.execute();
            assertEquals(pushed.digest(), Files.readString(context.resolve("target/cluster-image/linux-amd64/registry/docker/registry/v2"
                    + "/repositories/conf/app/_manifests/tags/1.0/current/link")), "served by the mirror registries.conf names");

            // images.json says so; a scan that runs again rewrites images.json, and the no-op save puts it back
            Path imagesJson = context.resolve("target/cluster-image/images.json");
            String scanned = "{\"images\":[{\"canonical\":\"" + elsewhere + "/conf/app:1.0\",\"foundIn\":[]}]}";
            Files.writeString(imagesJson, scanned);
            SaveRegistryMojo again = mojo(context, registry.host(), false);
            again.useRegistriesConf = true;
            again.execute();
            assertEquals(registry.host(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(imagesJson.toFile())
                    .path("images").get(0).path("servedBy").asText(), Files.readString(imagesJson));

            Files.writeString(conf, "[[registry]]\nlocation = \"" + elsewhere + "\"\nblocked = true\n");
            SaveRegistryMojo blocked = mojo(context, registry.host(), false);
            blocked.useRegistriesConf = true;
            blocked.refreshTags = true;
            MojoExecutionException e = assertThrows(MojoExecutionException.class, blocked::execute);
            assertTrue(e.getMessage().startsWith(elsewhere + "/conf/app:1.0: " + elsewhere + " is blocked in [" + conf),
                    e.getMessage());
            assertTrue(e.getMessage().contains("([[registry]] prefix = \"" + elsewhere + "\", blocked = true)"), e.getMessage());

            // a namespace of the blocked registry with an entry of its own: the longest prefix decides, and it is
            // rewritten to where the local registry holds the image under another name (a proxy project)
            TestImages.Blob proxied = new TestImages(registry.url()).pushImage("proxy-project/conf/app", "1.0", "linux/amd64",
                    List.of(TestImages.layer("b.bin", 1_000, 2)));
            Files.writeString(conf, "[[registry]]\nlocation = \"" + elsewhere + "\"\nblocked = true\n\n"
                    + "[[registry]]\nprefix = \"" + elsewhere + "/conf\"\nlocation = \"" + registry.host() + "/proxy-project/conf\"\n"
                    + "insecure = true\n");
            SaveRegistryMojo rewritten = mojo(context, registry.host(), false);
            rewritten.useRegistriesConf = true;
            rewritten.refreshTags = true;
            rewritten.execute();
            assertEquals(proxied.digest(), Files.readString(context.resolve("target/cluster-image/linux-amd64/registry/docker/registry/v2"
                    + "/repositories/conf/app/_manifests/tags/1.0/current/link")), "stored under the name the manifests use");
            assertEquals(registry.host() + "/proxy-project/conf", new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(imagesJson.toFile()).path("images").get(0).path("servedBy").asText(), Files.readString(imagesJson));
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void aPomMirrorOfANamespaceIsRewrittenAndWinsOverRegistriesConf() throws Exception {
        String home = System.getProperty("user.home");
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            TestImages.Blob pushed = new TestImages(registry.url()).pushImage("team-proxy/app", "2.0", "linux/amd64",
                    List.of(TestImages.layer("c.bin", 1_000, 3)));
            Path context = layout(work.resolve("pom-mirror"));
            String elsewhere = "127.0.0.1:" + LocalRegistry.freePort();
            Files.writeString(context.resolve("manifests/pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: " + elsewhere
                    + "/team/app:2.0\n");
            // the machine's registries.conf points the same namespace somewhere that does not answer: the POM wins
            Path conf = Files.createDirectories(work.resolve("home2/.config/containers")).resolve("registries.conf");
            Files.writeString(conf, "[[registry]]\nprefix = \"" + elsewhere + "/team/app\"\nlocation = \"127.0.0.1:1/nowhere\"\n");
            System.setProperty("user.home", work.resolve("home2").toString());
            RegistryMirror mirror = new RegistryMirror();
            mirror.registry = elsewhere + "/team";
            mirror.mirrors = List.of(registry.host() + "/team-proxy");
            SaveRegistryMojo mojo = mojo(context, registry.host(), false);
            mojo.useRegistriesConf = true;
            mojo.mirrors = List.of(mirror);
            mojo.execute();
            assertEquals(pushed.digest(), Files.readString(context.resolve("target/cluster-image/linux-amd64/registry/docker/registry/v2"
                    + "/repositories/team/app/_manifests/tags/2.0/current/link")));

            mirror.registry = "https://" + elsewhere;
            SaveRegistryMojo bad = mojo(context, registry.host(), false);
            bad.mirrors = List.of(mirror);
            MojoExecutionException e = assertThrows(MojoExecutionException.class, bad::execute);
            assertEquals("<mirrors><mirror><registry>https://" + elsewhere + "</registry> has a scheme; write the host without"
                    + " http:// or https://; write a registry (docker.io) or a namespace in it (docker.io/library)", e.getMessage());
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void aDeclaredArchiveThatChangedIsSavedAgainWithoutRefreshingTags() throws Exception {
        // two real archives of the ITs: a single image, then a two-platform index under the same declaration
        Path single = Path.of("../it-projects/manifests-app/images/skopeo/hello.tar");
        Path index = Path.of("../it-projects/multi-arch-app/images/skopeo/multi.tar");
        Path context = layout(work.resolve("archive-app"));
        Files.writeString(context.resolve("manifests/pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: example.com/team/app:1.0\n");
        Path archive = context.resolve("app.tar");
        Files.copy(single, archive);
        ImageArchiveConfig declared = new ImageArchiveConfig();
        declared.file = "app.tar";
        declared.image = "example.com/team/app:1.0";
        Path link = context.resolve("target/cluster-image/linux-amd64/registry/docker/registry/v2/repositories/team/app/_manifests/tags/1.0/current/link");

        SaveRegistryMojo first = mojo(context, "127.0.0.1:1", false);
        first.imageArchives = List.of(declared);
        first.execute();
        assertEquals("sha256:ac7539201e65820624dc9ecbeb813490a5a07759ad79b43e87e8e4c6ea05de20", Files.readString(link));

        Files.copy(index, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        SaveRegistryMojo second = mojo(context, "127.0.0.1:1", false);
        second.imageArchives = List.of(declared);
        second.execute();
        assertEquals("sha256:ecd0a172f2c327831abebf3cca288ac234f734f5a276f0515844b6f513f7da8d", Files.readString(link),
                "the new archive's linux/amd64 image, though no tag was refreshed");
    }
}
