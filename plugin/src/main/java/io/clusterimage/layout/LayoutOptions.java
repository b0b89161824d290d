package io.clusterimage.layout;

import io.clusterimage.core.Platform;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link LayoutReader} needs to know besides the files themselves.
 *
 * @param contextDir the build context: the directory that holds the Kubefile, charts/, manifests/...
 * @param kubefile   the {@code kubefile} parameter (relative to the context or absolute), or null to look
 *                   for Kubefile, Sealfile, Dockerfile, Containerfile
 * @param buildArgs  values for the Kubefile's ARG instructions
 * @param platforms  the platforms the image is built for (the first one is used to expand variables)
 * @param generated  what the fetch goal placed for the first platform (laid over the context), or null
 */
public record LayoutOptions(Path contextDir, Path kubefile, Map<String, String> buildArgs, List<Platform> platforms, Path generated) {

    public LayoutOptions(Path contextDir, Path kubefile, Map<String, String> buildArgs, List<Platform> platforms) {
        this(contextDir, kubefile, buildArgs, platforms, null);
    }

    public LayoutOptions {
        buildArgs = Map.copyOf(buildArgs);
        platforms = platforms.isEmpty() ? List.of(Platform.LINUX_AMD64) : List.copyOf(platforms);
    }

    public static LayoutOptions of(Path contextDir) {
        return new LayoutOptions(contextDir, null, Map.of(), List.of(Platform.LINUX_AMD64));
    }
}
