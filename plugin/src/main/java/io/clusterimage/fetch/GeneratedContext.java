package io.clusterimage.fetch;

import io.clusterimage.core.Platform;
import io.clusterimage.registry.SaveOptions;

import java.nio.file.Path;

/**
 * Where the fetch goal puts what the POM declares (charts, files) for one platform: a directory laid
 * over the build context by COPY and the scan, under the plugin's output directory — never the
 * source tree.
 */
public final class GeneratedContext {

    private GeneratedContext() {
    }

    /** {@code <outputDirectory>/fetched/<os>-<arch>[-<variant>]}. */
    public static Path root(Path outputDirectory, Platform platform) {
        return outputDirectory.resolve("fetched").resolve(SaveOptions.directoryName(platform));
    }
}
