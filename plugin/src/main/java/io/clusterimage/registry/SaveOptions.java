package io.clusterimage.registry;

import io.clusterimage.core.Platform;

import java.io.IOException;
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
 * @param signatureRules   checked before an image from a registry is stored: the first rule matching it must hold
 * @param carrySignatures  store the cosign signature, attestation and SBOM tags of each image next to it
 */
public record SaveOptions(Path outputDirectory, List<Platform> platforms, boolean copyAllPlatforms, int maxConcurrent,
                          Path cacheDirectory, boolean offline, Consumer<String> progress, List<SignatureRule> signatureRules,
                          boolean carrySignatures) {

    public SaveOptions {
        platforms = List.copyOf(platforms);
        maxConcurrent = Math.max(1, maxConcurrent);
        signatureRules = List.copyOf(signatureRules);
    }

    /** No signature policy; signatures carried along. */
    public SaveOptions(Path outputDirectory, List<Platform> platforms, boolean copyAllPlatforms, int maxConcurrent,
                       Path cacheDirectory, boolean offline, Consumer<String> progress) {
        this(outputDirectory, platforms, copyAllPlatforms, maxConcurrent, cacheDirectory, offline, progress, List.of(), true);
    }

    /** The registry tree of one platform. */
    public Path registryDirectory(Platform platform) {
        return registryDirectory(outputDirectory, platform);
    }

    /** Deletes every platform's tree: a save starts from empty trees. */
    public void deleteTrees() throws IOException {
        for (Platform platform : platforms) {
            DistributionTree.delete(registryDirectory(platform));
        }
    }

    /** The registry tree of one platform under {@code outputDirectory}: {@code <os>-<arch>[-<variant>]/registry}. */
    public static Path registryDirectory(Path outputDirectory, Platform platform) {
        return outputDirectory.resolve(directoryName(platform)).resolve("registry");
    }

    public static String directoryName(Platform platform) {
        String name = platform.os() + "-" + platform.architecture();
        return platform.variant().isEmpty() ? name : name + "-" + platform.variant();
    }
}
