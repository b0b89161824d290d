package io.clusterimage.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External tools the integration tests use (docker-registry, skopeo, umoci from Debian). On a
 * developer machine a missing tool skips the test; in CI ({@code CI=true}) it fails it, so a
 * missing install step can never pass as green.
 */
public final class Tools {

    private Tools() {
    }

    public static Path require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = tool + " is not installed (Debian package: " + tool + "; .ci/run installs it)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
