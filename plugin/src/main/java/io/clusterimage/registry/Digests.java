package io.clusterimage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests in the {@code sha256:<64 hex>} form registries use. */
public final class Digests {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String of(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
    }

    public static String of(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    public static String format(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** @throws IllegalArgumentException for anything but a well-formed sha256 digest (the only one stored) */
    public static String hex(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("unsupported or malformed digest '" + digest + "' (only sha256 is stored)");
        }
        return digest.substring("sha256:".length());
    }

    public static boolean isSha256(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }
}
