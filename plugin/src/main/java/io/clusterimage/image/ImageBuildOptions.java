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

    /**
     * A build of {@code contextDir} with scratch space in {@code workDir}, for linux/amd64: no build args, created
     * at the epoch, registry/ layers uncompressed and the others gzip, no annotations and no images lock, ref
     * name {@code image:latest}, two compression threads, nothing excluded, no registry tree, no generated context.
     * The {@code with…} methods change one setting each.
     */
    public static ImageBuildOptions of(Path contextDir, Path workDir) {
        return new ImageBuildOptions(contextDir, List.of(), platform -> null, List.of(Platform.LINUX_AMD64), Map.of(),
                Instant.EPOCH, LayerCompression.NONE, LayerCompression.GZIP, Map.of(), Map.of(), "image:latest", workDir, 2,
                platform -> null);
    }

    public ImageBuildOptions withExcludedFromContext(List<Path> excluded) {
        return new ImageBuildOptions(contextDir, excluded, registryTree, platforms, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withRegistryTree(Function<Platform, Path> tree) {
        return new ImageBuildOptions(contextDir, excludedFromContext, tree, platforms, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withPlatforms(List<Platform> targets) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, targets, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withBuildArgs(Map<String, String> args) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, args, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withCreated(Instant time) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, time, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    /** @param registryLayers compression of the layers that copy registry/; {@code others} of every other layer */
    public ImageBuildOptions withCompression(LayerCompression registryLayers, LayerCompression others) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryLayers,
                others, annotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withAnnotations(Map<String, String> manifestAnnotations) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression,
                compression, manifestAnnotations, imagesLock, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withImagesLock(Map<Platform, String> lockTexts) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression,
                compression, annotations, lockTexts, refName, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withRefName(String name) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, name, workDir, threads, generatedContext);
    }

    public ImageBuildOptions withThreads(int count) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, count, generatedContext);
    }

    public ImageBuildOptions withGeneratedContext(Function<Platform, Path> generated) {
        return new ImageBuildOptions(contextDir, excludedFromContext, registryTree, platforms, buildArgs, created, registryCompression,
                compression, annotations, imagesLock, refName, workDir, threads, generated);
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
