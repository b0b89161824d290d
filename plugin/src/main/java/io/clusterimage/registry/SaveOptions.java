package io.clusterimage.registry;

import io.clusterimage.core.Platform;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How to save.
 *
 * @param outputDirectory  one tree per platform is written to {@code <outputDirectory>/<os>-<arch>[-<variant>]/registry}
 * @param platforms        the target platforms
 * @param copyAllPlatforms store whole indexes (every platform) instead of the platform's manifest
 * @param maxConcurrent    downloads at once (images and blobs)
 * @param cacheDirectory   the shared blob cache
 * @param offline          use only the cache (mvn -o)
 * @param progress         receives one line per finished image
 */
public record SaveOptions(Path outputDirectory, List<Platform> platforms, boolean copyAllPlatforms, int maxConcurrent,
                          Path cacheDirectory, boolean offline, Consumer<String> progress) {

    public SaveOptions {
        platforms = List.copyOf(platforms);
        maxConcurrent = Math.max(1, maxConcurrent);
    }

    /** The registry tree of one platform. */
    public Path registryDirectory(Platform platform) {
        return outputDirectory.resolve(directoryName(platform)).resolve("registry");
    }

    public static String directoryName(Platform platform) {
        String name = platform.os() + "-" + platform.architecture();
        return platform.variant().isEmpty() ? name : name + "-" + platform.variant();
    }
}
