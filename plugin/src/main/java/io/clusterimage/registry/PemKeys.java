package io.clusterimage.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Keys in PEM, of the kinds container tools use (ECDSA, RSA, Ed25519): a public key
 * ({@code -----BEGIN PUBLIC KEY-----}, as cosign.pub) and an unencrypted PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}, as a certs.d client key).
 */
final class PemKeys {

    private static final List<String> ALGORITHMS = List.of("EC", "RSA", "Ed25519");

    private PemKeys() {
    }

    /** @param notThat what the message says when the file holds no such key */
    static PublicKey publicKey(Path file, String notThat) throws IOException {
        byte[] der = body(file, "PUBLIC KEY", notThat);
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // another algorithm
            }
        }
        throw new IOException(file + " is a public key of a kind that is not ECDSA, RSA or Ed25519");
    }

    /** @param notThat what the message says when the file holds no such key */
    static PrivateKey privateKey(Path file, String notThat) throws IOException {
        byte[] der = body(file, "PRIVATE KEY", notThat);
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // another algorithm
            }
        }
        throw new IOException(file + " holds a key of a kind that is not ECDSA, RSA or Ed25519");
    }

    /** The DER bytes between {@code -----BEGIN <label>-----} and {@code -----END <label>-----}. */
    private static byte[] body(Path file, String label, String notThat) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END " + label + "-----");
        if (start < 0 || end < start) {
            throw new IOException(file + " " + notThat);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds no valid base64 between its PEM lines");
        }
    }
}
