package io.clusterimage.registry;

import java.security.PublicKey;
import java.util.regex.Pattern;

/**
 * One rule of the signature policy save-registry enforces before it stores an image: the images it
 * applies to, and the public key that must have signed them (cosign's format), or none when any
 * signature naming the image's digest is required.
 *
 * @param images  a pattern over the canonical reference ({@code registry.example.com/team/*}; {@code *} is
 *                any text, {@code ?} one character)
 * @param key     the key that must have signed the image; null: any cosign signature will do
 * @param keyName how messages name the key (its file)
 * @param element the POM element, for messages
 */
public record SignatureRule(String images, PublicKey key, String keyName, String element) {

    public boolean matches(String canonicalReference) {
        StringBuilder regex = new StringBuilder();
        for (char c : images.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.matches(regex.toString(), canonicalReference);
    }

    /** How a violation names what was required. */
    String describe() {
        return element + " (" + images + ": " + (key == null ? "any cosign signature" : "signed with " + keyName) + ")";
    }
}
