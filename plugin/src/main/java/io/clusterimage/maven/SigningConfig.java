package io.clusterimage.maven;

import java.io.File;

/**
 * {@code <signing>} of package-image: the key that signs the cluster image, in cosign's format. The key's
 * password never sits in the POM: it comes from settings.xml or the environment. Each element has a
 * {@code cluster-image.signing.*} property of the same name, which wins (so CI can sign without a POM change).
 */
public class SigningConfig {

    /** The private key: PEM, PKCS#8, encrypted ({@code ENCRYPTED PRIVATE KEY}) or not; ECDSA, RSA or Ed25519. */
    public File key;

    /** The settings.xml {@code <server>} whose {@code <password>} (may be Maven-encrypted) decrypts the key. */
    public String passwordServerId;

    /** The environment variable holding the key's password when no server is named; {@code COSIGN_PASSWORD} as cosign. */
    public String passwordEnvironmentVariable;

    /**
     * The repository the signature says it was made for (its {@code critical.identity.docker-reference});
     * the image name without its tag when not set. cosign verifies the digest; this is for policies that check it.
     */
    public String identity;
}
