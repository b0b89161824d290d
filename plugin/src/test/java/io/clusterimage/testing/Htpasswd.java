package io.clusterimage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Users for docker-registry's htpasswd auth. docker-registry only accepts bcrypt hashes; these were
 * made once with {@code htpasswd -nbB -C 5 USER PASSWORD} (Debian's apache2-utils), so the tests
 * need no bcrypt implementation and no extra tool. That the hashes match the passwords is checked
 * by the tests themselves: the right password is let in, a wrong one is refused.
 */
public final class Htpasswd {

    public static final String USER = "alice";
    /** Contains ':' (split at the first one only) and spaces. */
    public static final String PASSWORD = "pa:ss:word with spaces";
    private static final String ALICE = "alice:$2y$05$puxI1U.nJ2LCI1TwS.30eOMC6pKDfeV44aJ3sqLb2ZaJvN0lqjjC2";

    private Htpasswd() {
    }

    public static Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, ALICE + "\n", StandardCharsets.US_ASCII);
        return file;
    }
}
