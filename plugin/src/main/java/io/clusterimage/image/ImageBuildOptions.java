package io.clusterimage.image;

import io.clusterimage.core.Platform;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the image builder needs besides the Kubefile.
 *
 * @param contextDir          the build context
 * @param excludedFromContext directories of the context never copied (Maven's build directory), relative
 * @param registryTree        per platform, the tree save-registry wrote ({@code COPY registry} takes it); may return null
 * @param platforms           one image per platform; several make an index
 * @param buildArgs           ARG values
 * @param created             image creation time and the time of every file
 * @param registryCompression compression of layers that copy registry/ (already-compressed blobs)
 * @param compression         compression of every other layer
 * @param annotations         manifest annotations ({@code org.opencontainers.image.*} from the POM)
 * @param imagesLock          per platform, the images lock text, stored as an annotation
 * @param refName             {@code org.opencontainers.image.ref.name} in the OCI layout ({@code name:tag})
 * @param workDir             scratch space under target/
 * @param threads             threads a layer's compression may use
 * @param generatedContext    per platform, what the fetch goal placed (charts, files), laid over the context; may return null
 */
public record ImageBuildOptions(Path contextDir, List<Path> excludedFromContext, Function<Platform, Path> registryTree,
                                List<Platform> platforms, Map<String, String> buildArgs, Instant created,
                                LayerCompression registryCompression, LayerCompression compression,
                                Map<String, String> annotations, Map<Platform, String> imagesLock, String refName, Path workDir,
                                int threads, Function<Platform, Path> generatedContext) {

    /** Without a generated context: the build context is all there is. */
    public ImageBuildOptions(Path contextDir, List<Path> excludedFromContext, Function<Platform, Path> registryTree,
                             List<Platform> platforms, Map<String, String> buildArgs, Instant created,
                             LayerCompression registryCompression, LayerCompression compression,
                             Map<String, String> annotations, Map<Platform, String> imagesLock, String refName, Path workDir,
                             int threads) {
        this(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression, compression,
                annotations, imagesLock, refName, workDir, threads, platform -> null);
    }

    public ImageBuildOptions {
        excludedFromContext = List.copyOf(excludedFromContext);
        platforms = List.copyOf(platforms);
        buildArgs = Map.copyOf(buildArgs);
        annotations = Map.copyOf(annotations);
        imagesLock = Map.copyOf(imagesLock);
        threads = Math.max(1, threads);
    }
}
