package io.clusterimage.maven;

import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.registry.Attachments;
import io.clusterimage.testing.CosignVerifier;
import io.clusterimage.testing.Tools;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code <signing>}: keys OpenSSL made (ECDSA encrypted, RSA, Ed25519) sign the cluster image in cosign's format;
 * the signature in the archive verifies with an independent verifier (OpenSSL), the archive stays one image to
 * skopeo, and every way a key or its password can be wrong is a message that says what to do.
 */
@Tag("tools")
class ImageSigningTest {

    @TempDir
    Path work;

    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void tools() {
        Tools.require("openssl");
    }

    private PackageImageMojo mojo() {
        PackageImageMojo mojo = new PackageImageMojo();
        mojo.environment = environment;
        return mojo;
    }

    private static SigningConfig config(Path key) {
        SigningConfig config = new SigningConfig();
        config.key = key.toFile();
        return config;
    }

    private BuiltImage image() throws Exception {
        return PushImageMojoTest.manifestsImage(work, "app");
    }

    @Test
    void eachKindOfKeySignsAndAnIndependentVerifierAcceptsOnlyTheRightKey() throws Exception {
        Tools.require("skopeo");
        BuiltImage image = image();
        Path other = CosignVerifier.generateKey(work.resolve("other.key"), "ec", null);
        for (String kind : List.of("ec", "rsa", "ed25519")) {
            String password = kind.equals("ec") ? "s3cret" : null;
            Path key = work.resolve(kind + ".key");
            Path pub = CosignVerifier.generateKey(key, kind, password);
            if (password != null) {
                environment.put("COSIGN_PASSWORD", password);
            }
            ImageSigning signing = ImageSigning.of(mojo(), config(key), "registry.example.com/apps/app:1.0");
            Attachments.Attachment signature = signing.sign(image.digest());
            assertEquals(image.digest().replace(':', '-') + ".sig", signature.tag());

            Path archive = work.resolve(kind + ".tar");
            OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive, OciArchiveWriter.Format.OCI_ARCHIVE, List.of(signature));
            List<CosignVerifier.Checked> checked = CosignVerifier.verifyArchive(archive, image.digest(), pub, kind.equals("ed25519"), work);
            assertEquals(List.of(new CosignVerifier.Checked(image.digest(), true)), checked, kind);
            if (!kind.equals("ed25519")) {
                assertFalse(CosignVerifier.verifyArchive(archive, image.digest(), other.resolveSibling("other.key.pub"), false, work)
                        .get(0).verified(), "another key's public key must not verify the " + kind + " signature");
            }
            // the archive is still one image to the tools that load it
            String inspected = run("skopeo", "inspect", "--raw", "oci-archive:" + archive);
            assertEquals(image.digest(), io.clusterimage.registry.Digests.of(inspected.getBytes(StandardCharsets.UTF_8)), inspected);
        }
        String payload = new String(io.clusterimage.registry.CosignSignatures.payload(image.digest(), "registry.example.com/apps/app"),
                StandardCharsets.UTF_8);
        assertEquals("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example.com/apps/app\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + image.digest() + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
                payload);
    }

    @Test
    void anOciDirectoryCarriesTheSignatureAndADockerArchiveRefusesIt() throws Exception {
        BuiltImage image = image();
        Path key = work.resolve("dir.key");
        Path pub = CosignVerifier.generateKey(key, "ec", null);
        Attachments.Attachment signature = ImageSigning.of(mojo(), config(key), "app:1").sign(image.digest());
        Path dir = work.resolve("layout");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, dir, OciArchiveWriter.Format.OCI_DIRECTORY, List.of(signature));
        Path tar = work.resolve("layout.tar");
        assertEquals(0, new ProcessBuilder("tar", "-cf", tar.toString(), "-C", dir.toString(), ".").start().waitFor());
        assertTrue(CosignVerifier.verifyArchive(tar, image.digest(), pub, false, work).get(0).verified());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OciArchiveWriter.write(image, "app:1", Instant.EPOCH,
                work.resolve("d.tar"), OciArchiveWriter.Format.DOCKER_ARCHIVE, List.of(signature))).getMessage().contains("docker-archive"));
    }

    @Test
    void thePasswordComesFromSettingsOrTheEnvironmentAndAWrongOneIsNamed() throws Exception {
        Path key = work.resolve("enc.key");
        CosignVerifier.generateKey(key, "ec", "right");

        String missing = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(key), "app:1")).getMessage();
        assertTrue(missing.contains("encrypted and no password") && missing.contains("COSIGN_PASSWORD")
                && missing.contains("<passwordServerId>"), missing);

        environment.put("COSIGN_PASSWORD", "wrong");
        String wrong = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(key), "app:1")).getMessage();
        assertTrue(wrong.contains("cannot be decrypted with the password given"), wrong);

        SigningConfig ownVariable = config(key);
        ownVariable.passwordEnvironmentVariable = "RELEASE_KEY_PASSWORD";
        environment.put("RELEASE_KEY_PASSWORD", "right");
        assertTrue(ImageSigning.of(mojo(), ownVariable, "app:1").describe().contains("EC"));

        Settings settings = new Settings();
        Server server = new Server();
        server.setId("cosign");
        server.setPassword("{enc:right}");
        settings.addServer(server);
        PackageImageMojo withSettings = mojo();
        withSettings.session = new MavenSession(null, settings, null, null, null, List.of(), work.toString(), new Properties(), new Date());
        withSettings.settingsDecrypter = new SaveRegistryMojoCredentialsTest.FakeDecrypter();
        SigningConfig fromSettings = config(key);
        fromSettings.passwordServerId = "cosign";
        ImageSigning signing = ImageSigning.of(withSettings, fromSettings, "registry.example.com:5000/apps/app:1.0");
        assertTrue(signing.describe().contains("identity registry.example.com:5000/apps/app"), signing.describe());
        assertFalse(signing.fingerprint().contains("right"), "the fingerprint holds no password");

        SigningConfig unknownServer = config(key);
        unknownServer.passwordServerId = "nobody";
        String noServer = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(withSettings, unknownServer, "app:1")).getMessage();
        assertTrue(noServer.contains("<server><id>nobody</id>"), noServer);
    }

    @Test
    void keysOfOtherFormatsAreNamedWithTheCommandThatConvertsThem() throws Exception {
        Path sec1 = work.resolve("sec1.key");
        assertEquals(0, new ProcessBuilder("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString())
                .start().waitFor());
        String oldFormat = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(sec1), "app:1")).getMessage();
        assertTrue(oldFormat.contains("EC PRIVATE KEY") && oldFormat.contains("openssl pkcs8 -topk8"), oldFormat);

        Path cosign = Files.writeString(work.resolve("cosign.key"), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n"
                + "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        String cosignFormat = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(cosign), "app:1")).getMessage();
        assertTrue(cosignFormat.contains("cosign key") && cosignFormat.contains("openssl genpkey"), cosignFormat);

        String absent = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(work.resolve("none.key")), "app:1"))
                .getMessage();
        assertTrue(absent.startsWith("<signing><key> ") && absent.contains("does not exist"), absent);

        Path publicOnly = CosignVerifier.generateKey(work.resolve("p.key"), "ec", null);
        String notPrivate = assertThrows(MojoExecutionException.class, () -> ImageSigning.of(mojo(), config(publicOnly), "app:1")).getMessage();
        assertTrue(notPrivate.contains("is not a PEM private key"), notPrivate);

        assertEquals(null, ImageSigning.of(mojo(), null, "app:1"), "no key, no signing");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
        return output;
    }
}
