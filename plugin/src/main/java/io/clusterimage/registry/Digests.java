package io.clusterimage.registry;

import io.clusterimage.core.Sha256;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests in the {@code sha256:<64 hex>} form registries use. */
public final class Digests {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    public static MessageDigest sha256() {
        return Sha256.digest();
    }

    public static String of(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
    }

    public static String of(Path file) throws IOException {
        return "sha256:" + Sha256.hex(file);
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
