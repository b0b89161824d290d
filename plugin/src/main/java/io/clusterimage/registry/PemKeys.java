package io.clusterimage.registry;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keys in PEM, of the kinds container tools use (ECDSA, RSA, Ed25519): a public key
 * ({@code -----BEGIN PUBLIC KEY-----}, as cosign.pub), an unencrypted PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}, as a certs.d client key) and a password-encrypted one
 * ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}, PBES2 as {@code openssl genpkey -aes256} writes it).
 */
public final class PemKeys {

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
        return decode(file, body(file, "PRIVATE KEY", notThat));
    }

    /**
     * A private key, unencrypted or encrypted; {@code password} is asked only for an encrypted one. Other PEM
     * kinds are named with the command that converts them.
     *
     * @param password gives the password of an encrypted key, or null when there is none to give
     */
    public static PrivateKey privateKey(Path file, Supplier<char[]> password) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            byte[] der = body(file, "ENCRYPTED PRIVATE KEY", "");
            char[] secret = password.get();
            if (secret == null) {
                throw new IOException(file + " is encrypted and no password was given for it");
            }
            try {
                EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
                // JDK 17 names PBES2 keys "PBES2", which no factory knows; their parameters name the real scheme
                String scheme = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
                SecretKey key = SecretKeyFactory.getInstance(scheme)
                        .generateSecret(new PBEKeySpec(secret));
                Cipher cipher = Cipher.getInstance(scheme);
                cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
                return decode(file, info.getKeySpec(cipher).getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IOException(file + " cannot be decrypted with the password given (wrong password, or an encryption"
                        + " the JDK does not have: " + e.getMessage() + ")");
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        for (String other : List.of("EC PRIVATE KEY", "RSA PRIVATE KEY")) {
            if (text.contains("-----BEGIN " + other + "-----")) {
                throw new IOException(file + " is an " + other + " (the older OpenSSL format); convert it to PKCS#8 with"
                        + " openssl pkcs8 -topk8 -in " + file.getFileName() + " -out key.pem (add -nocrypt to leave it unencrypted)");
            }
        }
        if (text.matches("(?s).*-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----.*")) {
            throw new IOException(file + " is a cosign key (cosign generate-key-pair); use a PKCS#8 PEM key instead, e.g."
                    + " openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -out cosign-pkcs8.key"
                    + " (cosign verifies with its public key: openssl pkey -in cosign-pkcs8.key -pubout)");
        }
        return privateKey(file, "is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
    }

    private static PrivateKey decode(Path file, byte[] der) throws IOException {
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
