package io.clusterimage.maven;

import java.io.File;

/**
 * {@code <signaturePolicy><rule>} of the POM: images that save-registry stores only when signed.
 * <pre>
 * &lt;signaturePolicy&gt;
 *   &lt;rule&gt;
 *     &lt;images&gt;registry.example.com/team/*&lt;/images&gt;
 *     &lt;publicKey&gt;keys/cosign.pub&lt;/publicKey&gt;   &lt;!-- none: any cosign signature --&gt;
 *   &lt;/rule&gt;
 * &lt;/signaturePolicy&gt;
 * </pre>
 */
public class SignaturePolicyRule {
    /** A pattern over the image's canonical reference ({@code docker.io/library/nginx:1.25}): {@code *} any text, {@code ?} one character. */
    String images;
    /** The PEM public key (ECDSA, RSA or Ed25519, as cosign.pub) that must have signed it; none: any cosign signature is required. */
    File publicKey;
}
