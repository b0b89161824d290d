package io.clusterimage.maven;

import io.clusterimage.image.ImageReports;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.CosignSignatures;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.PemKeys;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;

/**
 * {@code <signing>} resolved: the private key read (and decrypted) before anything is built, so a wrong
 * password stops the build at once, and the signature made once the image's digest is known.
 */
final class ImageSigning {

    static final String DEFAULT_PASSWORD_VARIABLE = "COSIGN_PASSWORD";

    private final Path keyFile;
    private final PrivateKey key;
    private final String identity;

    private ImageSigning(Path keyFile, PrivateKey key, String identity) {
        this.keyFile = keyFile;
        this.key = key;
        this.identity = identity;
    }

    /** The signing the goal is configured for, or null when no key is given. */
    static ImageSigning of(AbstractRegistryMojo mojo, SigningConfig config, String imageName) throws MojoExecutionException {
        SigningConfig pom = config == null ? new SigningConfig() : config;
        String keyPath = mojo.inputs().property("cluster-image.signing.key", pom.key == null ? null : pom.key.getPath());
        if (keyPath == null || keyPath.isBlank()) {
            return null;
        }
        Path keyFile = Path.of(keyPath.strip());
        if (!keyFile.isAbsolute() && mojo.project != null) {
            keyFile = mojo.project.getBasedir().toPath().resolve(keyFile);
        }
        if (!Files.isRegularFile(keyFile)) {
            throw new MojoExecutionException("<signing><key> " + keyFile + " does not exist; name the PEM private key that signs the"
                    + " cluster image (generate one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -out cosign.key)");
        }
        String serverId = mojo.inputs().property("cluster-image.signing.passwordServerId", pom.passwordServerId);
        String variable = mojo.inputs().property("cluster-image.signing.passwordEnvironmentVariable",
                pom.passwordEnvironmentVariable == null ? DEFAULT_PASSWORD_VARIABLE : pom.passwordEnvironmentVariable);
        String where = serverId != null && !serverId.isBlank()
                ? "settings.xml <server><id>" + serverId.strip() + "</id> (<signing><passwordServerId>)"
                : "the environment variable " + variable + " (<signing><passwordEnvironmentVariable>), or a settings.xml <server>"
                + " named by <signing><passwordServerId>";
        PrivateKey key;
        try {
            key = PemKeys.privateKey(keyFile, () -> password(mojo, serverId, variable));
        } catch (IOException e) {
            throw new MojoExecutionException("<signing><key>: " + e.getMessage()
                    + (e.getMessage().contains("password") ? "; the password comes from " + where : ""), e);
        }
        if (CosignSignatures.signatureAlgorithm(key) == null) {
            throw new MojoExecutionException("<signing><key> " + keyFile + " is a " + key.getAlgorithm() + " key; cosign signs with ECDSA,"
                    + " RSA or Ed25519 keys");
        }
        String identityValue = mojo.inputs().property("cluster-image.signing.identity", pom.identity);
        String identity = identityValue != null && !identityValue.isBlank() ? identityValue.strip() : ImageReports.repositoryOf(imageName);
        return new ImageSigning(keyFile, key, identity);
    }

    private static char[] password(AbstractRegistryMojo mojo, String serverId, String variable) {
        if (serverId != null && !serverId.isBlank()) {
            Server server = mojo.settings().server(serverId.strip());
            return server == null || server.getPassword() == null ? null : server.getPassword().toCharArray();
        }
        String value = mojo.environment.get(variable);
        return value == null ? null : value.toCharArray();
    }

    /** What the up-to-date check compares: the key's file content and the identity, never a password. */
    String fingerprint() throws MojoExecutionException {
        try {
            return Digests.of(keyFile) + " " + identity;
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read <signing><key> " + keyFile + ": " + e.getMessage(), e);
        }
    }

    String describe() {
        return keyFile.getFileName() + " (" + key.getAlgorithm() + ", identity " + identity + ")";
    }

    Attachments.Attachment sign(String digest) throws MojoExecutionException {
        try {
            return CosignSignatures.sign(digest, identity, key);
        } catch (GeneralSecurityException e) {
            throw new MojoExecutionException("<signing><key> " + keyFile + " cannot sign: " + e.getMessage(), e);
        }
    }
}
