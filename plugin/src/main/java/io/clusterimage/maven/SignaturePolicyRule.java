package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.registry.CosignSignatures;
import io.clusterimage.registry.SignatureRule;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

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

    /** The policy as the saver takes it; a key that cannot be read is an error naming the rule. */
    static List<SignatureRule> rules(List<SignaturePolicyRule> policy) throws MojoExecutionException {
        List<SignatureRule> rules = new ArrayList<>();
        if (policy == null) {
            return rules;
        }
        for (int i = 0; i < policy.size(); i++) {
            SignaturePolicyRule rule = policy.get(i);
            String element = "<signaturePolicy><rule> number " + (i + 1);
            if (rule.images == null || rule.images.isBlank()) {
                throw new MojoExecutionException(element + " needs <images>: a pattern over image references, e.g."
                        + " registry.example.com/team/*");
            }
            PublicKey key = null;
            if (rule.publicKey != null) {
                try {
                    key = CosignSignatures.readPublicKey(rule.publicKey.toPath());
                } catch (IOException e) {
                    throw new MojoExecutionException(element + " <publicKey>: " + e.getMessage(), e);
                }
            }
            rules.add(new SignatureRule(rule.images.strip(), key, rule.publicKey == null ? "" : rule.publicKey.getName(), element));
        }
        return rules;
    }

    /** What the up-to-date check compares: each rule's pattern and its key's content. */
    static void addTo(Fingerprint fingerprint, List<SignaturePolicyRule> policy) throws IOException {
        for (SignaturePolicyRule rule : policy == null ? List.<SignaturePolicyRule>of() : policy) {
            fingerprint.add("signature rule", rule.images);
            if (rule.publicKey != null) {
                fingerprint.addContent(rule.publicKey.toPath());
            }
        }
    }
}
